import { adminCall } from '#cli/admin-client.ts';
import { createRegistrationTokenResponse } from '#shared/security/agent-credentials.ts';

export interface RegistrationTokenOptions {
  readonly uses?: number;
  readonly ttlSeconds?: number;
}

/**
 * A registration token for an agent of `cluster`, asked for through the admin
 * API with the administrator key, by the same client `berth agents token` uses.
 */
export async function requestRegistrationToken(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  cluster: string,
  options: RegistrationTokenOptions = {},
): Promise<string> {
  const admin = adminCall({ endpoint, region: 'us-east-1', credentials });
  const answer = await admin(createRegistrationTokenResponse, 'POST', '/registration-tokens', { cluster, ...options });
  return answer.registrationToken.registrationToken;
}
