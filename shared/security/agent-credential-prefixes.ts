/**
 * How agent credentials begin, in a module of their own without zod: the
 * agent checks the shape of what it is issued without loading the schemas
 * (agent-credentials.ts re-exports these).
 */
export const REGISTRATION_TOKEN_PREFIX = 'brt1_';
export const CREDENTIAL_PREFIX = 'bic1.';
