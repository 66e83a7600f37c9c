import { ECSClient } from '@aws-sdk/client-ecs';
import { startDevServer, type DevServer } from '../../functions/runtime/dev-server.ts';
import type { RegisterInstanceRequest, RegisterInstanceResponse } from '../../shared/schemas/agent-api.ts';
import { registerInstanceResponse } from '../../shared/schemas/agent-api.ts';

/** Berth in dev mode, in this test process, on a free loopback port. */
export async function startBerth(env: NodeJS.ProcessEnv = {}): Promise<DevServer & { ecs: ECSClient }> {
  const server = await startDevServer({ port: 0, env: { ...process.env, AWS_ENDPOINT_URL: undefined, ...env } });
  const ecs = new ECSClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    ...server,
    ecs,
    async stop() {
      ecs.destroy();
      await server.stop();
    },
  };
}

/** Registers a container instance through the agent API, as an agent would. */
export async function registerInstance(
  endpoint: string,
  cluster: string,
  resources: { cpu: number; memory: number; reservedPorts?: number[] },
  extra: Partial<RegisterInstanceRequest> = {},
): Promise<RegisterInstanceResponse> {
  const body: RegisterInstanceRequest = {
    resources: { reservedPorts: [], reservedPortsUdp: [], ...resources },
    attributes: [],
    agentVersion: 'test',
    ...extra,
  };
  const response = await fetch(`${endpoint}/agent/v1/clusters/${cluster}/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return registerInstanceResponse.parse(await response.json());
}
