import { ECSClient } from '@aws-sdk/client-ecs';
import { startDevServer, type DevServer } from '../../functions/runtime/dev-server.ts';
import { signedFetch } from '../../functions/cli/signed-fetch.ts';
import type { RegisterInstanceRequest, RegisterInstanceResponse } from '../../shared/schemas/agent-api.ts';
import { registerInstanceResponse } from '../../shared/schemas/agent-api.ts';

export interface TestBerth extends DevServer {
  /** The unmodified ECS SDK, signing with the administrator key dev mode created. */
  readonly ecs: ECSClient;
  /** fetch that signs its requests with the same key, for raw protocol tests. */
  readonly fetch: typeof fetch;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Berth in dev mode, in this test process, on a free loopback port. */
export async function startBerth(env: NodeJS.ProcessEnv = {}): Promise<TestBerth> {
  const server = await startDevServer({ port: 0, env: { ...process.env, AWS_ENDPOINT_URL: undefined, ...env } });
  if (!server.adminKey) throw new Error('dev mode created no administrator key');
  const credentials = { ...server.adminKey };
  const ecs = new ECSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  return {
    ...server,
    ecs,
    credentials,
    fetch: signedFetch({ credentials, region: 'us-east-1' }),
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
