import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { adminCall } from '#cli/admin-client.ts';
import { createRegistrationTokenResponse } from '#shared/security/agent-credentials.ts';

export interface RegistrationTokenOptions {
  readonly uses?: number;
  readonly ttlSeconds?: number;
}

/**
 * A registration token for an agent of `cluster`, asked for through the admin
 * API with the administrator key, by the same client `berth agents token` uses.
 * Tokens belong to existing clusters, so the cluster is created first, as an
 * operator would (CreateCluster of an ACTIVE cluster changes nothing).
 */
export async function requestRegistrationToken(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  cluster: string,
  options: RegistrationTokenOptions = {},
): Promise<string> {
  const ecs = new ECSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  } finally {
    ecs.destroy();
  }
  const admin = adminCall({ endpoint, region: 'us-east-1', credentials });
  const answer = await admin(createRegistrationTokenResponse, 'POST', '/registration-tokens', { cluster, ...options });
  return answer.registrationToken.registrationToken;
}
