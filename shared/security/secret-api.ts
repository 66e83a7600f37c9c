import * as z from 'zod';
import { inOnePartition } from '../domain/collections.ts';
import { NAME_PATTERN } from '../domain/arn.ts';
import { epochMs } from '../schemas/common.ts';
import { encryptedSecret } from './access-key.ts';
import { BERTH_SECRET_NAME, BERTH_SECRET_PREFIX } from './secret-reference.ts';

/**
 * Berth's own secret store, for task definitions that name `berth:secret:NAME`
 * (dev mode, or a deployment that keeps secrets out of SSM):
 *
 *   PUT    /admin/v1/secrets/{name}     berth:PutSecret     { value }
 *   GET    /admin/v1/secrets            berth:ListSecrets   names and dates, never values
 *   DELETE /admin/v1/secrets/{name}     berth:DeleteSecret
 *   GET    /agent/v1/clusters/{c}/tasks/{taskId}/secrets?instanceId=   the values one task needs,
 *          only to the instance it is assigned to
 *
 * Values are encrypted at rest with the deployment's SecretCipher (as access
 * keys are), bound to the secret's name. No answer but the agent's carries a
 * value, and nothing logs one.
 */
export const secretName = z.string().regex(BERTH_SECRET_NAME, 'letters, digits, ".", "_" and "-", at most 128');

/** Fits the admin API's body limit with room to spare; SSM's advanced parameters hold 8 KiB too. */
export const MAX_SECRET_VALUE_BYTES = 8192;

/**
 * The clusters whose tasks may use a secret; absent means any cluster. The
 * control plane checks it when an agent fetches the secret for a task, so a
 * task definition naming the secret gets nothing in another cluster.
 */
export const secretClusters = z.array(z.string().regex(NAME_PATTERN, 'cluster names')).min(1).max(100);

export const putSecretRequest = z.strictObject({
  name: secretName,
  clusters: secretClusters.optional(),
  value: z
    .string()
    .min(1)
    .refine(
      (v) => new TextEncoder().encode(v).length <= MAX_SECRET_VALUE_BYTES,
      `at most ${MAX_SECRET_VALUE_BYTES} bytes`,
    ),
});
export type PutSecretRequest = z.infer<typeof putSecretRequest>;

export const secretRef = z.strictObject({ name: secretName });

export const secretSummary = z.object({
  name: secretName,
  /** What a task definition puts in `valueFrom`. */
  valueFrom: z.string(),
  clusters: secretClusters.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SecretSummary = z.infer<typeof secretSummary>;

export const putSecretResponse = z.object({ secret: secretSummary });
export const listSecretsResponse = z.object({ secrets: z.array(secretSummary) });
export const deleteSecretResponse = z.object({ secret: secretSummary });

/** The agent API's answer: values only for the secrets the task's definition names. */
export const taskSecretsResponse = z.object({
  secrets: z.array(z.object({ valueFrom: z.string(), value: z.string() })),
  /** `valueFrom`s naming secrets the store does not hold. */
  missing: z.array(z.string()),
});
export type TaskSecretsResponse = z.infer<typeof taskSecretsResponse>;

export const storedSecret = z.object({
  name: secretName,
  secret: encryptedSecret,
  clusters: secretClusters.optional(),
  createdAt: epochMs,
  updatedAt: epochMs,
});
export type StoredSecret = z.infer<typeof storedSecret>;

/** `SECRET` / name: one partition, listed in name order. */
export const storedSecrets = inOnePartition<StoredSecret>('SECRET', {
  name: 'secret',
  schema: storedSecret,
  sortOf: (s) => s.name,
});

/** Binds a ciphertext to its secret's name: values cannot be swapped between items. */
export function taskSecretContext(name: string): Record<string, string> {
  return { purpose: 'berth-task-secret', name };
}

export function berthValueFrom(name: string): string {
  return `${BERTH_SECRET_PREFIX}${name}`;
}

/** What the admin API does with secrets. */
export interface SecretAdmin {
  putSecret(request: PutSecretRequest): Promise<SecretSummary>;
  listSecrets(): Promise<SecretSummary[]>;
  deleteSecret(name: string): Promise<SecretSummary>;
}

/** What `reveal` found: values by name, and the names limited to other clusters (never decrypted). */
export interface RevealedSecrets {
  readonly values: ReadonlyMap<string, string>;
  readonly refused: readonly string[];
}

/** Reads values, for the agent API only. */
export interface SecretSource {
  /** The values of the named secrets that exist and that tasks in `cluster` may use. */
  reveal(names: readonly string[], cluster: string): Promise<RevealedSecrets>;
}
