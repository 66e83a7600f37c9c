import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { ensureBusyboxImage } from './busybox-image.ts';
import { startBerth, type TestBerth } from './berth.ts';
import { removeClusterContainers, startTestAgent } from './agents.ts';

export type TestAgent = Awaited<ReturnType<typeof startTestAgent>>;

export interface ContainerCluster {
  readonly berth: TestBerth;
  /** The local busybox image every container test runs. */
  readonly image: string;
  readonly agents: TestAgent[];
  /** Another agent (another container instance) joining the cluster. */
  addAgent(options?: Parameters<typeof startTestAgent>[2]): Promise<TestAgent>;
  /** Stops the agents and dev mode, and removes every container of the cluster. */
  stop(): Promise<void>;
}

/**
 * Dev mode with a cluster and `agentCount` real agents on the local Docker
 * engine: the setup every end-to-end test with containers starts from.
 */
export async function startContainerCluster(cluster: string, agentCount: number): Promise<ContainerCluster> {
  const image = await ensureBusyboxImage();
  const berth = await startBerth();
  await berth.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const agents: TestAgent[] = [];
  const addAgent = async (options?: Parameters<typeof startTestAgent>[2]) => {
    const agent = await startTestAgent(berth, cluster, options);
    agents.push(agent);
    return agent;
  };
  for (let i = 0; i < agentCount; i++) await addAgent();
  return {
    berth,
    image,
    agents,
    addAgent,
    async stop() {
      for (const agent of agents) await agent.stop();
      await berth.stop();
      await removeClusterContainers(cluster);
    },
  };
}
