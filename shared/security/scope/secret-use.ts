import * as z from 'zod';
import type { Deployment } from '#shared/domain/arn.ts';
import { berthArns } from '../principal.ts';
import { parseSecretReference } from '../secret-reference.ts';
import type { RequestScope } from './scope.ts';
import { lazySchema } from '../../schemas/lazy-schema.ts';

/**
 * Using a secret is a permission of its own: a task definition that names a
 * secret hands its value to whatever the container runs, so whoever
 * registers such a definition, or runs or deploys one, must be allowed
 * `berth:UseSecret` on the secret's ARN. One action for every source, on
 * the ARN the reference names:
 *
 * | valueFrom | resource |
 * | --- | --- |
 * | `berth:secret:NAME` | `arn:<partition>:berth:<region>:<account>:secret/NAME` |
 * | an SSM parameter ARN | that ARN |
 * | an SSM name (`NAME`, `/path/NAME`) | `arn:<partition>:ssm:<region>:<account>:parameter/NAME`, in the deployment's region and account |
 * | a Secrets Manager ARN, with json-key or version | the secret's ARN, without them |
 *
 * A reference that cannot be read is matched as given, so only `*` allows it.
 */
export const USE_SECRET = 'berth:UseSecret';

export function secretResourceArn(d: Deployment, valueFrom: string): string {
  const reference = parseSecretReference(valueFrom);
  switch (reference?.kind) {
    case 'berth':
      return berthArns.secret(d, reference.name);
    case 'ssm':
      return reference.parameter.startsWith('arn:')
        ? reference.parameter
        : `arn:${d.partition}:ssm:${d.region}:${d.accountId}:parameter/${reference.parameter.replace(/^\//, '')}`;
    case 'secrets-manager':
      return reference.secretId;
    default:
      return valueFrom;
  }
}

/** The scope of using these secrets, with the request's condition keys; undefined when there are none. */
export function secretUseScope(
  d: Deployment,
  valueFroms: readonly string[],
  keys: Readonly<Record<string, readonly string[]>>,
): RequestScope | undefined {
  const resources = [...new Set(valueFroms.map((v) => secretResourceArn(d, v)))].map((arn) => ({ arn, keys: {} }));
  return resources.length === 0 ? undefined : { action: USE_SECRET, resources, keys };
}

const namedSecrets = lazySchema(() =>
  z.object({
    containerDefinitions: z.array(
      z.object({
        secrets: z.array(z.object({ valueFrom: z.string() })).optional(),
        repositoryCredentials: z.object({ credentialsParameter: z.string() }).optional(),
      }),
    ),
  }),
);

/**
 * Every `valueFrom` a task definition (registered or being registered)
 * names: container secrets and registry credentials. A body of another
 * shape names none; its schema refuses it before anything runs.
 */
export function secretsNamedBy(definition: unknown): string[] {
  const parsed = namedSecrets.safeParse(definition);
  if (!parsed.success) return [];
  return parsed.data.containerDefinitions.flatMap((c) => [
    ...(c.secrets ?? []).map((s) => s.valueFrom),
    ...(c.repositoryCredentials ? [c.repositoryCredentials.credentialsParameter] : []),
  ]);
}
