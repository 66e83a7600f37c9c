import { ClientError } from '#shared/domain/errors.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Store } from '#shared/ports/store.ts';
import {
  berthValueFrom,
  storedSecrets,
  taskSecretContext,
  type SecretAdmin,
  type SecretSource,
  type SecretSummary,
  type StoredSecret,
} from '#shared/security/secret-api.ts';
import type { SecretCipher } from '#shared/security/secret-cipher.ts';

/**
 * Berth's own secret store over the table: values encrypted with the
 * deployment's cipher (KMS in AWS, the local key in dev mode), bound to
 * their name. Summaries never carry a value; only `reveal`, used by the
 * agent API for the task it serves, decrypts.
 */
export function createSecretStore(deps: {
  store: Store;
  cipher: SecretCipher;
  clock: Clock;
}): SecretAdmin & SecretSource {
  const { store, cipher, clock } = deps;
  const summarize = (s: StoredSecret): SecretSummary => ({
    name: s.name,
    valueFrom: berthValueFrom(s.name),
    ...(s.clusters !== undefined && { clusters: s.clusters }),
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
  });

  async function decrypt(s: StoredSecret): Promise<string> {
    if (s.secret.cipher !== cipher.id) {
      throw new Error(`Secret ${s.name} was encrypted by ${s.secret.cipher}, but this deployment uses ${cipher.id}`);
    }
    return cipher.decrypt(s.secret.ciphertext, taskSecretContext(s.name));
  }

  return {
    async putSecret({ name, value, clusters }) {
      const ciphertext = await cipher.encrypt(value, taskSecretContext(name));
      for (;;) {
        const existing = await store.get(storedSecrets, storedSecrets.key(name));
        const now = clock.now();
        const item: StoredSecret = {
          name,
          secret: { cipher: cipher.id, ciphertext },
          ...(clusters !== undefined && { clusters }),
          createdAt: existing?.value.createdAt ?? now,
          updatedAt: now,
        };
        const outcome = existing
          ? await store.tryReplace(storedSecrets, item, existing.version)
          : await store.tryCreate(storedSecrets, item);
        // A lost race goes round again on the winner, keeping its createdAt.
        if (outcome.written) return summarize(item);
      }
    },

    async listSecrets() {
      const all: SecretSummary[] = [];
      let after: string | undefined;
      do {
        const page = await store.query(storedSecrets, storedSecrets.partition(), {
          ...(after !== undefined && { after }),
        });
        all.push(...page.items.map((i) => summarize(i.value)));
        after = page.lastSort;
      } while (after !== undefined);
      return all;
    },

    async deleteSecret(name) {
      const existing = await store.get(storedSecrets, storedSecrets.key(name));
      if (!existing) throw new ClientError(`There is no secret named ${name}`);
      await store.delete(storedSecrets, storedSecrets.key(name), existing.version);
      return summarize(existing.value);
    },

    async reveal(names, cluster) {
      const found = await store.getMany(
        storedSecrets,
        names.map((name) => storedSecrets.key(name)),
      );
      const values = new Map<string, string>();
      const refused: string[] = [];
      for (const { value: secret } of found) {
        // Checked before decrypting: a secret limited to other clusters is never opened for this one.
        if (secret.clusters !== undefined && !secret.clusters.includes(cluster)) refused.push(secret.name);
        else values.set(secret.name, await decrypt(secret));
      }
      return { values, refused };
    },
  };
}
