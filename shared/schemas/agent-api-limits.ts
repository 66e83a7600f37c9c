/**
 * Bounds of the agent API that both sides read: the control plane's schemas
 * (agent-api.ts) enforce them and the agent sizes its requests by them. Kept
 * free of zod so the host agent loads no schema library (docs/agent.md).
 */

/** How many task reports one request may carry (POST .../instances/{id}/reports). */
export const MAX_REPORTS_PER_REQUEST = 100;
