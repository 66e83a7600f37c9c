import type { RegistryAuth } from '../../shared/ports/container-runtime.ts';

/**
 * Where registry credentials named by a task definition's
 * `repositoryCredentials.credentialsParameter` (a Secrets Manager ARN in
 * ECS) come from. One seam: the agent ships a static table from its
 * configuration; a resolver that reads Secrets Manager plugs in here.
 */
export type SecretResult =
  { readonly ok: true; readonly auth: RegistryAuth } | { readonly ok: false; readonly message: string };

export interface SecretResolver {
  registryAuth(credentialsParameter: string): Promise<SecretResult>;
}

/** Credentials configured on the agent, by the name a task definition uses for them. */
export function staticSecretResolver(table: Readonly<Record<string, RegistryAuth>>): SecretResolver {
  return {
    registryAuth: async (name) => {
      const auth = table[name];
      return auth
        ? { ok: true, auth }
        : {
            ok: false,
            message: `repository credentials '${name}' are not configured on this agent (registryCredentials)`,
          };
    },
  };
}
