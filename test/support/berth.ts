import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startDevServer, type DevServer } from '#functions/runtime/dev-server.ts';
import { signedFetch } from '#cli/signed-fetch.ts';
import type { RegisterInstanceRequest } from '#shared/schemas/agent-api.ts';
import { registrationAnswer, type RegistrationAnswer } from '#shared/security/agent-credentials.ts';
import { agentRequest } from './agent-request.ts';
import { requestRegistrationToken, type RegistrationTokenOptions } from './registration-token.ts';

export interface TestBerth extends DevServer {
  /** The unmodified ECS SDK, signing with the administrator key dev mode created. */
  readonly ecs: ECSClient;
  /** fetch that signs its requests with the same key, for raw protocol tests. */
  readonly fetch: typeof fetch;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** An agent registration token, made through the admin API as `berth agents token` makes it. */
  registrationToken(cluster: string, options?: RegistrationTokenOptions): Promise<string>;
}

/** Berth in dev mode with one cluster already created, for suites that drive one cluster. */
export async function startBerthWithCluster(cluster: string, env: NodeJS.ProcessEnv = {}): Promise<TestBerth> {
  const berth = await startBerth(env);
  await berth.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  return berth;
}

/** Berth in dev mode, in this test process, on a free loopback port. */
export async function startBerth(env: NodeJS.ProcessEnv = {}): Promise<TestBerth> {
  const server = await startDevServer({ port: 0, env: { ...process.env, AWS_ENDPOINT_URL: undefined, ...env } });
  if (!server.adminKey) throw new Error('dev mode created no administrator key');
  const credentials = { ...server.adminKey };
  const ecs = new ECSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const signed = signedFetch({ credentials, region: 'us-east-1' });
  return {
    ...server,
    ecs,
    credentials,
    fetch: signed,
    registrationToken: (cluster, options) => requestRegistrationToken(server.endpoint, credentials, cluster, options),
    async stop() {
      ecs.destroy();
      await server.stop();
    },
  };
}

/**
 * Registers a container instance through the agent API, as an agent would,
 * with a registration token of its own; the answer carries the instance
 * credential every later agent call must present.
 */
export async function registerInstance(
  berth: Pick<TestBerth, 'endpoint' | 'registrationToken'>,
  cluster: string,
  resources: { cpu: number; memory: number; reservedPorts?: number[] },
  extra: Partial<RegisterInstanceRequest> = {},
): Promise<RegistrationAnswer & { credential: NonNullable<RegistrationAnswer['credential']> }> {
  const body: RegisterInstanceRequest = {
    resources: { reservedPorts: [], reservedPortsUdp: [], ...resources },
    attributes: [],
    agentVersion: 'test',
    ...extra,
  };
  const token = await berth.registrationToken(cluster);
  const response = await agentRequest(berth.endpoint, 'POST', `/clusters/${cluster}/instances`, token, body);
  if (!response.ok) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  const answer = registrationAnswer.parse(await response.json());
  if (!answer.credential) throw new Error('the registration answer carries no instance credential');
  return { ...answer, credential: answer.credential };
}
