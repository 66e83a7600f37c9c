import { lostTooOften } from '#shared/control/update-with-retry.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Store, Versioned } from '#shared/ports/store.ts';
import {
  AGENT_CREDENTIAL_DEFAULTS,
  type CredentialGrant,
  type InstanceCredentialRecord,
} from '#shared/security/agent-credentials.ts';
import { AgentCredentialError } from '#shared/security/agent-credentials-access.ts';
import {
  macMatches,
  readCredential,
  serialAccepted,
  signCredential,
  type CredentialClaims,
} from '#shared/security/agent-credentials-token.ts';
import type { AgentSigningKeys } from './agent-signing-keys.ts';
import { instanceCredentials } from '#shared/security/collections.ts';

export interface AgentCredentialSettings {
  /** Lifetime of an instance credential; 12 hours by default. */
  readonly credentialTtlMs?: number;
  /** How long a replaced credential keeps working; 5 minutes by default. */
  readonly graceMs?: number;
}

export interface AgentCredentialIssuer {
  /** Checks a bearer credential by computation alone; throws AgentCredentialError (401). */
  verify(token: string): Promise<CredentialClaims>;
  record(cluster: string, instanceId: string): Promise<Versioned<InstanceCredentialRecord> | undefined>;
  /** Throws 401 unless the record still accepts this credential for an exchange. */
  requireExchangeable(record: Versioned<InstanceCredentialRecord> | undefined, claims: CredentialClaims): void;
  /** A new credential for the instance; the one `current` names becomes the previous, in its grace period. */
  issue(cluster: string, instanceId: string, current?: Versioned<InstanceCredentialRecord>): Promise<CredentialGrant>;
}

/** Instances whose newest credential this process remembers; the oldest are forgotten first. */
const MAX_REMEMBERED = 100_000;
/** A record outlives its credential by this much, then the table's TTL removes it. */
const RECORD_KEPT_AFTER_EXPIRY_S = 7 * 24 * 3600;
const MAX_ATTEMPTS = 3;

/**
 * Issues and verifies instance credentials. Verification is pure
 * computation (MAC, expiry) plus one in-memory check: a credential older
 * than the newest one this process has seen for the same instance stops
 * working once that newer one is `graceMs` old. Exchanges (registration,
 * rotation) read the instance's record, so an old credential can never
 * mint a new one.
 */
export function createAgentCredentialIssuer(options: {
  store: Store;
  clock: Clock;
  keys: AgentSigningKeys;
  settings?: AgentCredentialSettings;
}): AgentCredentialIssuer {
  const { store, clock, keys } = options;
  const ttlMs = options.settings?.credentialTtlMs ?? AGENT_CREDENTIAL_DEFAULTS.credentialTtlMs;
  const graceMs = options.settings?.graceMs ?? AGENT_CREDENTIAL_DEFAULTS.graceMs;
  const newest = new Map<string, { issuedAt: number; serial: number }>();

  const isOlder = (a: { issuedAt: number; serial: number }, b: { issuedAt: number; serial: number }) =>
    a.issuedAt < b.issuedAt || (a.issuedAt === b.issuedAt && a.serial < b.serial);

  function remember(claims: { cluster: string; instanceId: string; issuedAt: number; serial: number }): void {
    const id = `${claims.cluster}/${claims.instanceId}`;
    const known = newest.get(id);
    if (known && !isOlder(known, claims)) return;
    newest.delete(id);
    newest.set(id, { issuedAt: claims.issuedAt, serial: claims.serial });
    if (newest.size > MAX_REMEMBERED) {
      const oldest = newest.keys().next();
      if (!oldest.done) newest.delete(oldest.value);
    }
  }

  async function write(record: InstanceCredentialRecord, current: Versioned<InstanceCredentialRecord> | undefined) {
    const expiry = { expiresAt: Math.ceil(record.expiresAt / 1000) + RECORD_KEPT_AFTER_EXPIRY_S };
    return current
      ? store.tryReplace(instanceCredentials, record, current.version, expiry)
      : store.tryCreate(instanceCredentials, record, expiry);
  }

  return {
    async verify(token) {
      const read = readCredential(token);
      if (!read) throw new AgentCredentialError('InvalidCredential', 'The agent credential is not valid');
      const signingKey = await keys.byId(read.claims.keyId);
      if (!signingKey || !macMatches(signingKey, read)) {
        throw new AgentCredentialError('InvalidCredential', 'The agent credential is not valid');
      }
      const { claims } = read;
      const now = clock.now();
      if (now >= claims.expiresAt) {
        throw new AgentCredentialError(
          'ExpiredCredential',
          `The agent credential expired at ${new Date(claims.expiresAt).toISOString()}; register again with a registration token`,
        );
      }
      const known = newest.get(`${claims.cluster}/${claims.instanceId}`);
      if (known && isOlder(claims, known) && now >= known.issuedAt + graceMs) {
        throw new AgentCredentialError('SupersededCredential', 'The agent credential was replaced by a newer one');
      }
      remember(claims);
      return claims;
    },

    record: (cluster, instanceId) => store.get(instanceCredentials, instanceCredentials.key(cluster, instanceId)),

    requireExchangeable(record, claims) {
      if (!record || !serialAccepted(record.value, claims.serial, clock.now())) {
        throw new AgentCredentialError('SupersededCredential', 'The agent credential was replaced by a newer one');
      }
    },

    async issue(cluster, instanceId, given) {
      let current = given;
      for (let attempt = 0; ; attempt++) {
        const now = clock.now();
        const { keyId, key: signingKey } = await keys.current();
        const previous = current?.value;
        const record: InstanceCredentialRecord = {
          cluster,
          instanceId,
          serial: (previous?.serial ?? 0) + 1,
          issuedAt: now,
          expiresAt: now + ttlMs,
          ...(previous && {
            previousSerial: previous.serial,
            previousValidUntil: Math.min(now + graceMs, previous.expiresAt),
          }),
        };
        const outcome = await write(record, current);
        if (!outcome.written) {
          // Two issues at once for one instance (a retried registration): the later one builds on the earlier.
          if (attempt >= MAX_ATTEMPTS)
            throw lostTooOften(instanceCredentials, instanceCredentials.key(cluster, instanceId), attempt + 1);
          current = outcome.current;
          continue;
        }
        const claims: CredentialClaims = {
          keyId,
          cluster,
          instanceId,
          serial: record.serial,
          issuedAt: now,
          expiresAt: record.expiresAt,
        };
        remember(claims);
        return { token: signCredential(signingKey, claims), issuedAt: now, expiresAt: record.expiresAt };
      }
    },
  };
}
