import type { AgentOptions } from '../config/agent-options.ts';
import type { AgentAuth } from '../control/auth.ts';
import type { Ec2Identity } from '../host/imds.ts';
import { awsSecretSource, regionOfZone } from './aws-secret-source.ts';
import { controlPlaneSecretSource } from './berth-secret-source.ts';
import { createSecretResolver, type SecretResolver } from './secret-resolver.ts';

/**
 * Where the agent finds secrets unless it is handed a resolver: registry
 * credentials from its options, SSM and Secrets Manager in AWS_REGION (else
 * the region of the EC2 instance it runs on), and Berth's own store through
 * the control plane, asked as this instance.
 */
export function defaultSecretResolver(
  options: Pick<AgentOptions, 'endpoint' | 'cluster' | 'registryCredentials'>,
  host: { readonly ec2: Ec2Identity | undefined; readonly auth: AgentAuth; readonly instanceId: () => string },
): SecretResolver {
  const region = process.env.AWS_REGION ?? (host.ec2 ? regionOfZone(host.ec2.availabilityZone) : undefined);
  return createSecretResolver({
    registryCredentials: options.registryCredentials ?? {},
    aws: awsSecretSource({ ...(region !== undefined && { region }) }),
    berth: controlPlaneSecretSource({
      endpoint: options.endpoint,
      cluster: options.cluster,
      auth: host.auth,
      instanceId: host.instanceId,
    }),
  });
}
