import type { Context } from 'hono';

/**
 * The seam where authentication and authorisation plug in: every ECS call
 * passes through `checkEcs` with its operation name before it runs, and every
 * agent call through `checkAgent`. A guard throws to refuse.
 */
export interface RequestGuard {
  checkEcs(c: Context, operation: string, body: Uint8Array): Promise<void>;
  checkAgent(c: Context): Promise<void>;
}

/** Admits everything: the default until signing and policies are configured. */
export const openGuard: RequestGuard = {
  checkEcs: async () => {},
  checkAgent: async () => {},
};
