import { lostTooOften } from '#shared/control/update-with-retry.ts';
import { randomBytes } from 'node:crypto';
import type { Clock } from '#shared/ports/clock.ts';
import { keyOf, type Store } from '#shared/ports/store.ts';
import {
  AGENT_CREDENTIAL_DEFAULTS,
  REGISTRATION_TOKEN_PREFIX,
  type StoredRegistrationToken,
} from '#shared/security/agent-credentials.ts';
import { hashRegistrationToken } from '#shared/security/agent-credentials-token.ts';
import { registrationTokens } from '#shared/security/collections.ts';

/** Spent and expired tokens stay a day for inspection, then the table's TTL removes them. */
const KEEP_AFTER_EXPIRY_S = 24 * 3600;
/** Uses of one token racing (a fleet started together) retry this often, with jitter, then answer "try again". */
const MAX_ATTEMPTS = 8;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)));

export type TokenUse =
  | { readonly ok: true; readonly token: StoredRegistrationToken }
  | {
      readonly ok: false;
      readonly reason: 'unknown' | 'expired' | 'spent' | 'other-cluster';
      readonly message: string;
    };

export interface RegistrationTokenRepository {
  create(input: {
    cluster: string;
    ttlMs?: number;
    uses?: number;
  }): Promise<{ token: string; stored: StoredRegistrationToken }>;
  /**
   * Spends one use of the token for an instance of `cluster`, with a
   * conditional write. `admit` runs once the token is known good and before
   * it is spent: what it throws refuses the registration and spends nothing.
   */
  consume(token: string, cluster: string, admit?: () => Promise<void>): Promise<TokenUse>;
  /** Deletes the token, so it registers nothing more (a launch that failed hands it to no host). */
  revoke(token: string): Promise<void>;
}

export function newRegistrationToken(): string {
  return `${REGISTRATION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Registration tokens, stored as their SHA-256 only. A use is a conditional
 * replace of the token's item at the version read, so two registrations
 * racing with a single-use token cannot both succeed: the loser re-reads
 * and finds it spent.
 */
export function createRegistrationTokenRepository(options: {
  store: Store;
  clock: Clock;
}): RegistrationTokenRepository {
  const { store, clock } = options;
  const expiry = (t: StoredRegistrationToken) => ({ expiresAt: Math.ceil(t.expiresAt / 1000) + KEEP_AFTER_EXPIRY_S });

  return {
    async create(input) {
      const token = newRegistrationToken();
      const now = clock.now();
      const stored: StoredRegistrationToken = {
        tokenHash: hashRegistrationToken(token),
        cluster: input.cluster,
        createdAt: now,
        expiresAt: now + (input.ttlMs ?? AGENT_CREDENTIAL_DEFAULTS.registrationTokenTtlMs),
        maxUses: input.uses ?? 1,
        uses: 0,
      };
      await store.create(registrationTokens, stored, expiry(stored));
      return { token, stored };
    },

    async consume(token, cluster, admit) {
      const hash = hashRegistrationToken(token);
      for (let attempt = 0; ; attempt++) {
        const found = await store.get(registrationTokens, registrationTokens.key(hash));
        const now = clock.now();
        if (!found) return { ok: false, reason: 'unknown', message: 'The registration token is not valid' };
        const current = found.value;
        if (now >= current.expiresAt)
          return { ok: false, reason: 'expired', message: 'The registration token has expired' };
        if (current.uses >= current.maxUses) {
          return { ok: false, reason: 'spent', message: 'The registration token has been used already' };
        }
        if (current.cluster !== cluster) {
          return {
            ok: false,
            reason: 'other-cluster',
            message: `The registration token is for cluster ${current.cluster}, not ${cluster}`,
          };
        }
        await admit?.();
        const spent: StoredRegistrationToken = { ...current, uses: current.uses + 1, lastUsedAt: now };
        const outcome = await store.tryReplace(registrationTokens, spent, found.version, expiry(spent));
        if (outcome.written) return { ok: true, token: outcome.item.value };
        // A concurrent use: read again; a single-use token is then found spent.
        if (attempt >= MAX_ATTEMPTS)
          throw lostTooOften(registrationTokens, keyOf(registrationTokens, spent), attempt + 1);
        await pause(attempt);
      }
    },

    async revoke(token) {
      const key = registrationTokens.key(hashRegistrationToken(token));
      for (let attempt = 0; ; attempt++) {
        const found = await store.get(registrationTokens, key);
        if (!found || (await store.tryDelete(registrationTokens, key, found.version)).deleted) return;
        if (attempt >= MAX_ATTEMPTS) throw lostTooOften(registrationTokens, key, attempt + 1);
      }
    },
  };
}
