import { ensureCluster } from '../../shared/control/clusters.ts';
import type { DevServer } from './dev-server.ts';

export interface DevAgent {
  readonly summary: string;
  stop(): Promise<void>;
}

/**
 * The agent of dev mode, on the local Docker engine. Without a reachable
 * engine the control plane still runs; the line printed says why there is
 * no agent.
 */
export async function startDevAgent(server: DevServer, cluster: string): Promise<DevAgent> {
  await ensureCluster(server.ctx, cluster);
  const { probeDocker, startAgent } = await import('../../agent/index.ts');
  const probe = await probeDocker();
  if (!probe.ok) return { summary: `agent: off (${probe.message})`, stop: async () => {} };
  const agent = await startAgent({ endpoint: server.endpoint, cluster });
  return {
    summary: `agent: container instance ${agent.instanceId} in cluster ${cluster} (Docker ${probe.version})`,
    stop: () => agent.stop(),
  };
}
