import { arns, type Deployment } from '#shared/domain/arn.ts';
import type { ClusterView } from '#shared/control/clusters.ts';
import { presentStrategy } from './capacity-strategy.ts';

export function presentCluster(d: Deployment, view: ClusterView): Record<string, unknown> {
  const c = view.cluster;
  return {
    clusterArn: arns.cluster(d, c.clusterName),
    clusterName: c.clusterName,
    status: c.status,
    registeredContainerInstancesCount: view.registeredContainerInstancesCount,
    runningTasksCount: view.runningTasksCount,
    pendingTasksCount: view.pendingTasksCount,
    activeServicesCount: view.activeServicesCount,
    statistics: [],
    tags: c.tags,
    settings: c.settings,
    ...(c.configuration !== undefined && { configuration: c.configuration }),
    capacityProviders: c.capacityProviders ?? [],
    defaultCapacityProviderStrategy: presentStrategy(c.defaultCapacityProviderStrategy ?? []),
  };
}
