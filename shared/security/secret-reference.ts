/**
 * Where a task definition's secret comes from: the `valueFrom` of a
 * container's `secrets` entry (or a `repositoryCredentials.credentialsParameter`).
 *
 * | valueFrom | source |
 * | --- | --- |
 * | `berth:secret:NAME` | Berth's own secret store (dev mode, or any deployment without SSM) |
 * | `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME` | an SSM parameter, decrypted |
 * | `NAME` or `/path/NAME` | an SSM parameter in the agent's region |
 * | `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf[:json-key[:version-stage[:version-id]]]` | a Secrets Manager secret, or one key of its JSON |
 *
 * The agent resolves them when it creates the container: AWS sources with
 * the host's own credentials, Berth's store through the agent API.
 */
export type SecretReference =
  | { readonly kind: 'berth'; readonly name: string }
  | { readonly kind: 'ssm'; readonly parameter: string; readonly region?: string }
  | {
      readonly kind: 'secrets-manager';
      /** The secret's ARN, without the json-key and version suffix. */
      readonly secretId: string;
      readonly region: string;
      readonly jsonKey?: string;
      readonly versionStage?: string;
      readonly versionId?: string;
    };

export const BERTH_SECRET_PREFIX = 'berth:secret:';
/** Names of secrets in Berth's own store. */
export const BERTH_SECRET_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const SSM_NAME = /^\/?[A-Za-z0-9_.\-/]{1,2048}$/;

export function parseSecretReference(valueFrom: string): SecretReference | undefined {
  if (valueFrom.startsWith(BERTH_SECRET_PREFIX)) {
    const name = valueFrom.slice(BERTH_SECRET_PREFIX.length);
    return BERTH_SECRET_NAME.test(name) ? { kind: 'berth', name } : undefined;
  }
  if (valueFrom.startsWith('arn:')) {
    const parts = valueFrom.split(':');
    const [, partition, service, region, account, resource] = parts;
    if (!partition || !region || !account || !resource) return undefined;
    if (service === 'ssm' && resource.startsWith('parameter/') && parts.length === 6) {
      return { kind: 'ssm', parameter: valueFrom, region };
    }
    if (service === 'secretsmanager' && resource === 'secret' && parts[6]) {
      const [jsonKey, versionStage, versionId] = parts.slice(7);
      if (parts.length > 10) return undefined;
      return {
        kind: 'secrets-manager',
        secretId: parts.slice(0, 7).join(':'),
        region,
        ...(jsonKey ? { jsonKey } : {}),
        ...(versionStage ? { versionStage } : {}),
        ...(versionId ? { versionId } : {}),
      };
    }
    return undefined;
  }
  return SSM_NAME.test(valueFrom) ? { kind: 'ssm', parameter: valueFrom } : undefined;
}

/** The Berth store names a task definition refers to, each once. */
export function berthSecretNames(valueFroms: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const valueFrom of valueFroms) {
    const reference = parseSecretReference(valueFrom);
    if (reference?.kind === 'berth') names.add(reference.name);
  }
  return [...names];
}
