import { lostTooOften } from '#shared/control/update-with-retry.ts';
import { randomBytes } from 'node:crypto';
import type { Clock } from '#shared/ports/clock.ts';
import type { Store } from '#shared/ports/store.ts';
import { signingKeyContext, type StoredSigningKey } from '#shared/security/agent-credentials.ts';
import type { SecretCipher } from '#shared/security/secret-cipher.ts';
import { signingKeys } from '#shared/security/collections.ts';

/** The key new credentials are signed with. Older ids stay readable for credentials already out. */
export const CURRENT_SIGNING_KEY_ID = 'k1';
const KEY_BYTES = 32;
/** A credential naming a key that does not exist is refused; the answer is remembered this long. */
const MISSING_KEY_TTL_MS = 5_000;

export interface AgentSigningKeys {
  /** The current key, created (and stored encrypted) the first time any process needs it. */
  current(): Promise<{ keyId: string; key: Buffer }>;
  /** A key by id, or undefined when there is none. */
  byId(keyId: string): Promise<Buffer | undefined>;
}

/**
 * The server keys instance credentials are signed with. Each is 32 random
 * bytes, stored encrypted by the deployment's cipher (KMS in AWS) and bound
 * to its id; a process decrypts a key once and keeps it, so verifying a
 * credential costs no table read after the first.
 */
export function createAgentSigningKeys(options: {
  store: Store;
  cipher: SecretCipher;
  clock: Clock;
}): AgentSigningKeys {
  const { store, cipher, clock } = options;
  const loaded = new Map<string, { key: Promise<Buffer | undefined>; until: number }>();

  async function load(keyId: string): Promise<Buffer | undefined> {
    const found = await store.get(signingKeys, signingKeys.key(keyId));
    return found ? decrypt(found.value) : undefined;
  }

  async function decrypt(stored: StoredSigningKey): Promise<Buffer> {
    if (stored.secret.cipher !== cipher.id) {
      throw new Error(
        `The agent signing key ${stored.keyId} was encrypted by ${stored.secret.cipher}, but this deployment uses ${cipher.id}`,
      );
    }
    return Buffer.from(await cipher.decrypt(stored.secret.ciphertext, signingKeyContext(stored.keyId)), 'base64url');
  }

  async function create(keyId: string): Promise<Buffer> {
    const key = randomBytes(KEY_BYTES);
    const ciphertext = await cipher.encrypt(key.toString('base64url'), signingKeyContext(keyId));
    const outcome = await store.tryCreate(signingKeys, {
      keyId,
      secret: { cipher: cipher.id, ciphertext },
      createdAt: clock.now(),
    });
    if (outcome.written) return key;
    // Another process made it first: everyone signs with the stored one.
    if (!outcome.current) throw lostTooOften(signingKeys, signingKeys.key(keyId), 1);
    return decrypt(outcome.current.value);
  }

  function remembered(keyId: string, make: () => Promise<Buffer | undefined>): Promise<Buffer | undefined> {
    const now = clock.now();
    const entry = loaded.get(keyId);
    if (entry && entry.until > now) return entry.key;
    const key = make();
    const fresh = { key, until: Number.POSITIVE_INFINITY };
    loaded.set(keyId, fresh);
    key.then(
      (found) => {
        if (!found) fresh.until = now + MISSING_KEY_TTL_MS;
      },
      () => loaded.delete(keyId),
    );
    return key;
  }

  return {
    async current() {
      const keyId = CURRENT_SIGNING_KEY_ID;
      let key = await remembered(keyId, () => load(keyId));
      if (!key) {
        loaded.delete(keyId);
        key = await remembered(keyId, () => create(keyId));
      }
      if (!key) throw new Error('The agent signing key could not be created');
      return { keyId, key };
    },
    byId: (keyId) => remembered(keyId, () => load(keyId)),
  };
}
