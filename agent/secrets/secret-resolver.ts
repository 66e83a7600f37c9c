import type { SecretValue } from '#shared/agent/container-config.ts';
import type { RegistryAuth } from '#shared/ports/container-runtime.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { parseSecretReference, type SecretReference } from '#shared/security/secret-reference.ts';
import type { AwsSecretSource } from './aws-secret-source.ts';
import type { BerthSecretSource } from './berth-secret-source.ts';
import { safeParse, string } from '../check/check.ts';
import { object } from '../check/compose.ts';
import { failed, type SecretFailure, type SourceResult } from './secret-result.ts';

/**
 * Where the secrets a task definition names come from, resolved on the
 * host when a container is created:
 *
 * - `repositoryCredentials.credentialsParameter`: the agent's configured
 *   table first, then Secrets Manager or SSM (a JSON `{ username, password }`);
 * - container `secrets`: SSM parameters and Secrets Manager secrets with the
 *   host's AWS credentials, `berth:secret:NAME` from Berth's store through
 *   the agent API (see shared/security/secret-reference.ts).
 *
 * Values exist only in the answer handed to container creation. Nothing
 * here logs, and failure messages name the secret and where it was looked
 * for, never a value.
 */
export type SecretResult =
  { readonly ok: true; readonly auth: RegistryAuth } | { readonly ok: false; readonly message: string };

export type ContainerSecretsResult =
  | { readonly ok: true; readonly values: readonly SecretValue[] }
  | { readonly ok: false; readonly failure: SecretFailure };

export interface SecretResolver {
  registryAuth(credentialsParameter: string): Promise<SecretResult>;
  /** The values of a container's `secrets`, by environment variable name; all or nothing. */
  containerSecrets(taskId: string, definition: ContainerDefinition): Promise<ContainerSecretsResult>;
  /** The texts of a container's `environmentFiles` (S3 objects, read with the host's credentials), in order; all or nothing. */
  environmentFiles?(definition: ContainerDefinition): Promise<EnvironmentFilesResult>;
}

export type EnvironmentFilesResult =
  { readonly ok: true; readonly values: readonly string[] } | { readonly ok: false; readonly failure: SecretFailure };

export interface SecretSources {
  /** Registry credentials by the name task definitions give in repositoryCredentials. */
  readonly registryCredentials?: Readonly<Record<string, RegistryAuth>>;
  /** SSM and Secrets Manager; without it, AWS references fail with a reason. */
  readonly aws?: AwsSecretSource;
  /** Berth's own store; without it, `berth:secret:` references fail with a reason. */
  readonly berth?: BerthSecretSource;
}

export function createSecretResolver(sources: SecretSources): SecretResolver {
  const table = sources.registryCredentials ?? {};

  async function fromAws(reference: SecretReference, what: string): Promise<SourceResult> {
    if (reference.kind === 'berth') return rejected(`${what} is in Berth's store, which is not available here`);
    if (!sources.aws) return rejected(`${what} needs AWS credentials, and this agent has no AWS secret source`);
    return reference.kind === 'ssm' ? sources.aws.parameter(reference) : sources.aws.secretValue(reference);
  }

  return {
    async registryAuth(name) {
      const configured = table[name];
      if (configured) return { ok: true, auth: configured };
      const reference = parseSecretReference(name);
      if (!reference || reference.kind === 'berth' || !sources.aws) {
        return {
          ok: false,
          message: `repository credentials '${name}' are not configured on this agent (registryCredentials)`,
        };
      }
      const fetched = await fromAws(reference, `repository credentials '${name}'`);
      if (!fetched.ok) {
        return {
          ok: false,
          message: `repository credentials '${name}' are not configured on this agent, and ${fetched.failure.message}`,
        };
      }
      return parseRegistryAuth(fetched.value, name);
    },

    async containerSecrets(taskId, definition) {
      const wanted = definition.secrets ?? [];
      if (wanted.length === 0) return { ok: true, values: [] };
      const references = wanted.map((s) => ({
        name: s.name,
        valueFrom: s.valueFrom,
        reference: parseSecretReference(s.valueFrom),
      }));
      const unreadable = references.find((r) => r.reference === undefined);
      if (unreadable) {
        return failed(
          'rejected',
          `secret '${unreadable.name}': valueFrom '${unreadable.valueFrom}' is not an SSM parameter, a Secrets Manager ARN or berth:secret:NAME`,
        );
      }
      const berthValues = references.some((r) => r.reference?.kind === 'berth') ? await fetchBerth(taskId) : undefined;
      if (berthValues && !berthValues.ok) return berthValues;
      const values: SecretValue[] = [];
      for (const { name, valueFrom, reference } of references) {
        if (!reference) continue;
        const what = `secret '${name}' (${valueFrom})`;
        if (reference.kind === 'berth') {
          const value = berthValues?.ok ? berthValues.values.get(valueFrom) : undefined;
          if (value === undefined) return failed('rejected', `${what} does not exist in Berth's secret store`);
          values.push({ name, value });
          continue;
        }
        const fetched = await fromAws(reference, what);
        if (!fetched.ok) return { ok: false, failure: fetched.failure };
        values.push({ name, value: fetched.value });
      }
      return { ok: true, values };
    },

    async environmentFiles(definition) {
      const files = definition.environmentFiles ?? [];
      const values: string[] = [];
      for (const file of files) {
        if (!sources.aws) {
          return failed(
            'rejected',
            `environment file ${file.value} needs AWS credentials, and this agent has no AWS source`,
          );
        }
        const fetched = await sources.aws.objectText(file.value);
        if (!fetched.ok) return { ok: false, failure: fetched.failure };
        values.push(fetched.value);
      }
      return { ok: true, values };
    },
  };

  async function fetchBerth(taskId: string) {
    if (!sources.berth)
      return failed('rejected', "the task names berth:secret: secrets, and this agent cannot reach Berth's store");
    return sources.berth.taskSecrets(taskId);
  }
}

/** Registry credentials configured on the agent only: what agents had before secrets were resolved. */
export function staticSecretResolver(table: Readonly<Record<string, RegistryAuth>>): SecretResolver {
  return createSecretResolver({ registryCredentials: table });
}

const registryAuthJson = object({ username: string(), password: string() });

function parseRegistryAuth(text: string, name: string): SecretResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = safeParse(registryAuthJson, json);
  return parsed.success
    ? { ok: true, auth: parsed.data }
    : { ok: false, message: `repository credentials '${name}' are not JSON with username and password` };
}

function rejected(message: string): SourceResult {
  return failed('rejected', message);
}
