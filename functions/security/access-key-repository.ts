import { lostTooOften } from '#shared/control/update-with-retry.ts';
import { randomBytes } from 'node:crypto';
import type { Clock } from '#shared/ports/clock.ts';
import type { Store, Versioned } from '#shared/ports/store.ts';
import { secretContext, type StoredAccessKey } from '#shared/security/access-key.ts';
import { accessKeys } from '#shared/security/collections.ts';
import type { PolicyDocument } from '#shared/security/policy/document.ts';
import type { SecretCipher } from '#shared/security/secret-cipher.ts';

/** A key the verifier may use: its stored item and its decrypted secret. */
export interface ActiveCredential {
  readonly key: StoredAccessKey;
  readonly secret: string;
}

export interface AccessKeyRepositoryOptions {
  readonly store: Store;
  readonly cipher: SecretCipher;
  readonly clock: Clock;
  /**
   * How long a decrypted secret is reused before the key is read again. A
   * key disabled elsewhere (another Lambda instance) keeps working here for
   * at most this long.
   */
  readonly cacheTtlMs?: number;
  readonly maxCachedKeys?: number;
}

export const DEFAULT_CREDENTIAL_CACHE_TTL_MS = 30_000;
/** Unknown key ids are remembered briefly too, so a flood of made-up ids costs few reads. */
const UNKNOWN_KEY_TTL_MS = 5_000;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 80 random bits as 16 base32 characters. */
export function newAccessKeyId(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = 'BKIA';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64url');
}

export type AccessKeyRepository = ReturnType<typeof createAccessKeyRepository>;

export function createAccessKeyRepository(options: AccessKeyRepositoryOptions) {
  const { store, cipher, clock } = options;
  const ttl = options.cacheTtlMs ?? DEFAULT_CREDENTIAL_CACHE_TTL_MS;
  const maxCached = options.maxCachedKeys ?? 1000;
  const cache = new Map<string, { until: number; credential: Promise<ActiveCredential | undefined> }>();

  async function load(id: string): Promise<ActiveCredential | undefined> {
    const found = await store.get(accessKeys, accessKeys.key(id));
    if (!found || found.value.status !== 'Active') return undefined;
    return { key: found.value, secret: await decrypt(found.value) };
  }

  async function decrypt(key: StoredAccessKey): Promise<string> {
    if (key.secret.cipher !== cipher.id) {
      throw new Error(
        `Access key ${key.accessKeyId} was encrypted by ${key.secret.cipher}, but this deployment uses ${cipher.id}`,
      );
    }
    return cipher.decrypt(key.secret.ciphertext, secretContext(key.accessKeyId));
  }

  return {
    /** The active key with this id and its secret, or undefined; cached (see cacheTtlMs). */
    credentialFor(id: string): Promise<ActiveCredential | undefined> {
      const now = clock.now();
      const cached = cache.get(id);
      if (cached && cached.until > now) return cached.credential;
      if (cache.size >= maxCached) {
        for (const [key, entry] of cache) if (entry.until <= now || cache.size >= maxCached) cache.delete(key);
      }
      const credential = load(id);
      const entry = { until: now + ttl, credential };
      cache.set(id, entry);
      credential.then(
        (found) => {
          if (!found) entry.until = Math.min(entry.until, now + UNKNOWN_KEY_TTL_MS);
        },
        // A failed read is not remembered: the next request tries again.
        () => cache.delete(id),
      );
      return credential;
    },

    /** Forgets a key at once in this process (after disabling or rotating it here). */
    forget(id: string): void {
      cache.delete(id);
    },

    async create(input: { name: string; policy: PolicyDocument }): Promise<{ key: StoredAccessKey; secret: string }> {
      const accessKeyId = newAccessKeyId();
      const secret = newSecretAccessKey();
      const ciphertext = await cipher.encrypt(secret, secretContext(accessKeyId));
      const key: StoredAccessKey = {
        accessKeyId,
        name: input.name,
        status: 'Active',
        policy: input.policy,
        secret: { cipher: cipher.id, ciphertext },
        createdAt: clock.now(),
      };
      const created = await store.create(accessKeys, key);
      return { key: created.value, secret };
    },

    get(id: string): Promise<Versioned<StoredAccessKey> | undefined> {
      return store.get(accessKeys, accessKeys.key(id));
    },

    async list(): Promise<StoredAccessKey[]> {
      const all: StoredAccessKey[] = [];
      let after: string | undefined;
      do {
        const page = await store.query(accessKeys, accessKeys.partition(), {
          ...(after !== undefined && { after }),
          limit: 100,
        });
        all.push(...page.items.map((item) => item.value));
        after = page.lastSort;
      } while (after !== undefined);
      return all;
    },

    async any(): Promise<boolean> {
      return (await store.query(accessKeys, accessKeys.partition(), { limit: 1 })).items.length > 0;
    },

    /** Marks a key Inactive; retried on a concurrent change. Undefined when there is no such key. */
    async disable(id: string, replacedBy?: string): Promise<StoredAccessKey | undefined> {
      for (let attempt = 0; ; attempt += 1) {
        const found = await store.get(accessKeys, accessKeys.key(id));
        if (!found) return undefined;
        if (found.value.status === 'Inactive' && replacedBy === undefined) return found.value;
        const next: StoredAccessKey = {
          ...found.value,
          status: 'Inactive',
          disabledAt: found.value.disabledAt ?? clock.now(),
          ...(replacedBy !== undefined && { replacedBy }),
        };
        const outcome = await store.tryReplace(accessKeys, next, found.version);
        if (outcome.written) {
          cache.delete(id);
          return outcome.item.value;
        }
        if (attempt >= 3) throw lostTooOften(accessKeys, accessKeys.key(id), attempt + 1);
      }
    },
  };
}
