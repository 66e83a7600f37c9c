import { ECSClient } from '@aws-sdk/client-ecs';
import type { Connection } from './connection.ts';

export type SignedConnection = Connection & { credentials: NonNullable<Connection['credentials']> };

/**
 * The unmodified ECS SDK pointed at Berth: `berth status` and `berth agents
 * list` read through the same signed ECS calls any client makes. One attempt:
 * a person at a prompt wants the error now, not after retries.
 */
export function ecsClient(connection: SignedConnection): ECSClient {
  return new ECSClient({
    endpoint: connection.endpoint,
    region: connection.region,
    credentials: connection.credentials,
    maxAttempts: 1,
  });
}
