import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  paginateListClusters,
  paginateListContainerInstances,
  paginateListServices,
  type Cluster,
  type ContainerInstance,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';

/** One cluster as `berth status` shows it, read through the ECS API. */
export interface ClusterSnapshot {
  readonly cluster: Cluster;
  readonly services: readonly Service[];
  readonly containerInstances: readonly ContainerInstance[];
}

/** A refusal shaped as ECS answers it, for a cluster named on the command line. */
export class ClusterRefusal extends Error {
  override readonly name = 'ClusterNotFoundException';
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The clusters to show: the one named (refused when missing or INACTIVE, as
 * a cluster-scoped ECS call would refuse it) or every ACTIVE cluster.
 */
export async function readClusters(ecs: ECSClient, named: string | undefined): Promise<Cluster[]> {
  if (named !== undefined) {
    const answer = await ecs.send(new DescribeClustersCommand({ clusters: [named] }));
    const found = answer.clusters?.[0];
    if (!found || found.status !== 'ACTIVE') throw new ClusterRefusal(`Cluster not found: ${named}`);
    return [found];
  }
  const arns = (await collect(paginateListClusters({ client: ecs }, {}))).flatMap((p) => p.clusterArns ?? []);
  const described = await Promise.all(
    chunks(arns, 100).map((batch) => ecs.send(new DescribeClustersCommand({ clusters: batch }))),
  );
  return described.flatMap((d) => d.clusters ?? []).filter((c) => c.status === 'ACTIVE');
}

export async function readServices(ecs: ECSClient, cluster: string): Promise<Service[]> {
  const arns = (await collect(paginateListServices({ client: ecs }, { cluster }))).flatMap((p) => p.serviceArns ?? []);
  const described = await Promise.all(
    chunks(arns, 10).map((batch) => ecs.send(new DescribeServicesCommand({ cluster, services: batch }))),
  );
  return described.flatMap((d) => d.services ?? []);
}

export async function readContainerInstances(ecs: ECSClient, cluster: string): Promise<ContainerInstance[]> {
  const arns = (await collect(paginateListContainerInstances({ client: ecs }, { cluster }))).flatMap(
    (p) => p.containerInstanceArns ?? [],
  );
  const described = await Promise.all(
    chunks(arns, 100).map((batch) =>
      ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch })),
    ),
  );
  return described.flatMap((d) => d.containerInstances ?? []);
}

export async function readSnapshot(ecs: ECSClient, cluster: Cluster): Promise<ClusterSnapshot> {
  const name = cluster.clusterName ?? cluster.clusterArn ?? '';
  const [services, containerInstances] = await Promise.all([
    readServices(ecs, name),
    readContainerInstances(ecs, name),
  ]);
  return { cluster, services, containerInstances };
}
