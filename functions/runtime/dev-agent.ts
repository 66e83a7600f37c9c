import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCluster } from '../../shared/control/clusters.ts';
import type { DevServer } from './dev-server.ts';
import { jsonLogger } from './logger.ts';

export interface DevAgent {
  readonly summary: string;
  stop(): Promise<void>;
}

/**
 * The agent of dev mode, on the local Docker engine. Without a reachable
 * engine the control plane still runs; the line printed says why there is
 * no agent.
 *
 * With a data directory the agent keeps its identity there and a plain stop
 * leaves containers running, to be adopted on the next start (the control
 * plane remembers them too). Without one, the control plane forgets
 * everything on exit, so the agent drains: it stops its tasks rather than
 * leave containers no one will manage.
 */
export async function startDevAgent(
  server: DevServer,
  cluster: string,
  options: { readonly dataDir?: string; readonly verbose?: boolean } = {},
): Promise<DevAgent> {
  const { dataDir } = options;
  await ensureCluster(server.ctx, cluster);
  const { probeDocker, startAgent } = await import('../../agent/index.ts');
  const probe = await probeDocker();
  if (!probe.ok) return { summary: `agent: off (${probe.message})`, stop: async () => {} };
  const stateDir = dataDir === undefined ? undefined : join(dataDir, 'agent');
  if (stateDir !== undefined) mkdirSync(stateDir, { recursive: true });
  const agent = await startAgent({
    endpoint: server.endpoint,
    cluster,
    registrationToken: await server.registrationToken(cluster),
    imds: false,
    // Quiet beside the banner unless asked: warnings and errors only.
    logger: options.verbose ? jsonLogger() : { ...jsonLogger(), info: () => {} },
    ...(stateDir !== undefined && { stateDir }),
  });
  return {
    summary: `agent: container instance ${agent.instanceId} in cluster ${cluster} (Docker ${probe.version})`,
    stop: () => agent.stop({ drain: dataDir === undefined }),
  };
}
