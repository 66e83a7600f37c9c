import * as z from 'zod';
import { registerInstanceResponse } from '../schemas/agent-api.ts';
import { epochMs, name255 } from '../schemas/common.ts';
import { encryptedSecret } from './access-key.ts';

/**
 * Agent credentials: what an agent presents on /agent/v1 (see
 * docs/security.md, "Agent credentials").
 *
 * - A registration token (`brt1_...`) is made by an administrator for one
 *   cluster, expires within minutes or hours, and registers at most `uses`
 *   instances (one by default). Only its SHA-256 is stored.
 * - An instance credential (`bic1.<payload>.<mac>`) is issued at
 *   registration and names one cluster and one instance. It verifies by
 *   computation alone (an HMAC under a server key kept encrypted in the
 *   table), so a poll costs no extra read; the agent exchanges it for a new
 *   one before it expires.
 */
import { CREDENTIAL_PREFIX, REGISTRATION_TOKEN_PREFIX } from './agent-credential-prefixes.ts';
import { lazySchema } from '../schemas/lazy-schema.ts';

export { CREDENTIAL_PREFIX, REGISTRATION_TOKEN_PREFIX };

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const AGENT_CREDENTIAL_DEFAULTS = {
  registrationTokenTtlMs: 15 * MINUTE_MS,
  credentialTtlMs: 12 * HOUR_MS,
  /** How long a credential keeps working after the one that replaced it was issued. */
  graceMs: 5 * MINUTE_MS,
} as const;

export const REGISTRATION_TOKEN_TTL_SECONDS = { min: 60, max: 24 * 3600 } as const;
export const MAX_REGISTRATION_TOKEN_USES = 1000;

/** The instance ids the control plane hands out and agents send back. */
export const instanceIdPattern = /^[a-zA-Z0-9-]{1,64}$/;

// The admin API: POST /admin/v1/registration-tokens (berth:CreateRegistrationToken).

export const createRegistrationTokenRequest = lazySchema(() =>
  z.strictObject({
    cluster: name255,
    /** 60 s to 24 h; 15 minutes when absent. */
    ttlSeconds: z
      .number()
      .int()
      .min(REGISTRATION_TOKEN_TTL_SECONDS.min)
      .max(REGISTRATION_TOKEN_TTL_SECONDS.max)
      .optional(),
    /** How many instances may register with it; 1 when absent. */
    uses: z.number().int().min(1).max(MAX_REGISTRATION_TOKEN_USES).optional(),
  }),
);
export type CreateRegistrationTokenRequest = z.infer<typeof createRegistrationTokenRequest>;

/** The only shape that ever carries a registration token: the answer that creates it. */
export const createdRegistrationToken = lazySchema(() =>
  z.object({
    registrationToken: z.string().startsWith(REGISTRATION_TOKEN_PREFIX),
    cluster: name255,
    expiresAt: z.string(),
    uses: z.number().int().positive(),
  }),
);
export type CreatedRegistrationToken = z.infer<typeof createdRegistrationToken>;
export const createRegistrationTokenResponse = lazySchema(() =>
  z.object({ registrationToken: createdRegistrationToken }),
);

/** What issues registration tokens behind the admin API. */
export interface RegistrationTokenAdmin {
  createRegistrationToken(request: CreateRegistrationTokenRequest): Promise<CreatedRegistrationToken>;
}

// The agent API: the credential rides on the registration answer, and
// POST /agent/v1/clusters/{cluster}/instances/{id}/credentials exchanges it.

export const credentialGrant = lazySchema(() =>
  z.object({
    token: z.string().startsWith(CREDENTIAL_PREFIX).max(2048),
    issuedAt: epochMs,
    expiresAt: epochMs,
  }),
);
export type CredentialGrant = z.infer<typeof credentialGrant>;

/** The register answer; `credential` is absent from a control plane that issues none (tests' fakes). */
export const registrationAnswer = registerInstanceResponse.extend({ credential: credentialGrant.optional() });
export type RegistrationAnswer = z.infer<typeof registrationAnswer>;

export const rotationAnswer = lazySchema(() => z.object({ credential: credentialGrant }));
export type RotationAnswer = z.infer<typeof rotationAnswer>;

// Items in the table.

export const storedRegistrationToken = lazySchema(() =>
  z.object({
    /** SHA-256 of the token, hex: the token itself is never stored. */
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
    cluster: name255,
    createdAt: epochMs,
    expiresAt: epochMs,
    maxUses: z.number().int().positive(),
    uses: z.number().int().nonnegative(),
    lastUsedAt: epochMs.optional(),
  }),
);
export type StoredRegistrationToken = z.infer<typeof storedRegistrationToken>;

/** The key instance credentials are signed with, encrypted like access-key secrets. */
export const storedSigningKey = lazySchema(() =>
  z.object({
    keyId: z.string().regex(/^k[0-9]{1,4}$/),
    secret: encryptedSecret,
    createdAt: epochMs,
  }),
);
export type StoredSigningKey = z.infer<typeof storedSigningKey>;

/**
 * Per instance: which credential is current. Read and written only when a
 * credential is issued (registration, rotation), never on a poll.
 */
export const instanceCredentialRecord = lazySchema(() =>
  z.object({
    cluster: name255,
    instanceId: z.string().regex(instanceIdPattern),
    serial: z.number().int().positive(),
    issuedAt: epochMs,
    expiresAt: epochMs,
    /** The credential this one replaced, usable for exchange until `previousValidUntil`. */
    previousSerial: z.number().int().positive().optional(),
    previousValidUntil: epochMs.optional(),
  }),
);
export type InstanceCredentialRecord = z.infer<typeof instanceCredentialRecord>;

/** Binds a signing key's ciphertext to its item. */
export function signingKeyContext(keyId: string): Record<string, string> {
  return { purpose: 'berth-agent-credential-key', keyId };
}
