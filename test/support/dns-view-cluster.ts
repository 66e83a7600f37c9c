import { startContainerCluster, type ContainerCluster } from './container-cluster.ts';
import { freePort } from './dns-query.ts';

/**
 * A cluster of two agents, hosts 127.0.0.1 and 127.0.0.2, each serving the
 * cluster's DNS view on a free port of 127.0.0.1: what an unmodified proxy
 * in front of a service resolves its tasks through.
 */
export async function startDnsViewCluster(
  name: string,
): Promise<{ cluster: ContainerCluster; dnsPorts: readonly number[] }> {
  const cluster = await startContainerCluster(name, 0);
  const dnsPorts: number[] = [];
  for (const host of ['127.0.0.1', '127.0.0.2']) {
    const port = await freePort();
    dnsPorts.push(port);
    await cluster.addAgent({ hostAddress: host, dns: { address: '127.0.0.1', port } });
  }
  return { cluster, dnsPorts };
}
