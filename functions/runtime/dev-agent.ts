import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCluster } from '#shared/control/clusters.ts';
import type { DevServer } from './dev-server.ts';
import { removeInstanceContainers } from './dev-containers.ts';
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
 * everything on exit, so stop() stops and removes the containers the agent
 * started rather than leave containers no one will manage. Neither waits for
 * a task's own stop timeout: exiting dev mode takes seconds, not minutes.
 */
export async function startDevAgent(
  server: DevServer,
  cluster: string,
  options: { readonly dataDir?: string; readonly verbose?: boolean } = {},
): Promise<DevAgent> {
  const { dataDir } = options;
  await ensureCluster(server.ctx, cluster);
  const { dockerRuntimeFor, probeDocker, startAgent } = await import('#agent/index.ts');
  const probe = await probeDocker();
  if (!probe.ok) return { summary: `agent: off (${probe.message})`, stop: async () => {} };
  const stateDir = dataDir === undefined ? undefined : join(dataDir, 'agent');
  if (stateDir !== undefined) mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const agent = await startAgent({
    endpoint: server.endpoint,
    cluster,
    registrationToken: await server.registrationToken(cluster),
    imds: false,
    // The local engine probeDocker just reached.
    runtime: dockerRuntimeFor({}),
    // Quiet beside the banner unless asked: warnings and errors only.
    logger: options.verbose ? jsonLogger() : { ...jsonLogger(), info: () => {} },
    ...(stateDir !== undefined && { stateDir }),
  });
  return {
    summary: `agent: container instance ${agent.instanceId} in cluster ${cluster} (Docker ${probe.version})`,
    stop: async () => {
      // Stopped first, so it neither restarts a task nor reports on one while they go.
      await agent.stop();
      if (dataDir !== undefined) return;
      const failures = await removeInstanceContainers(cluster, agent.instanceId);
      for (const failure of failures) process.stderr.write(`berth: could not remove a task container: ${failure}\n`);
    },
  };
}
