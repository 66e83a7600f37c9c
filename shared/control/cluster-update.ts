import { clusters } from '../domain/collections.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Cluster } from '../schemas/cluster.ts';
import type { UpdateClusterRequest } from '../schemas/cluster-update.ts';
import { describeClusters, requireActiveCluster, type ClusterView } from './clusters.ts';
import type { ControlContext } from './context.ts';

/**
 * UpdateCluster and UpdateClusterSettings: a setting replaces the one of the
 * same name, a configuration replaces the stored one. Berth has no Cloud Map
 * namespaces, so a Service Connect default names one that cannot exist.
 */
export async function updateCluster(ctx: ControlContext, request: UpdateClusterRequest): Promise<ClusterView> {
  if (request.serviceConnectDefaults !== undefined) {
    throw new NotFoundError(
      'namespace',
      `serviceConnectDefaults.namespace: Berth has no Cloud Map namespaces and does not support Service Connect; namespace ${JSON.stringify(request.serviceConnectDefaults.namespace)} was not found.`,
    );
  }
  for (;;) {
    const found = await requireActiveCluster(ctx, request.cluster);
    const next: Cluster = {
      ...found.value,
      settings: mergeSettings(found.value.settings, request.settings ?? []),
      ...(request.configuration !== undefined && { configuration: request.configuration }),
    };
    // A lost race reads the cluster again: it may have been deleted or updated meanwhile.
    if ((await ctx.store.tryReplace(clusters, next, found.version)).written) break;
  }
  const described = await describeClusters(ctx, [request.cluster]);
  const view = described.clusters[0];
  if (!view) throw new NotFoundError('cluster', 'Cluster not found.', { cluster: request.cluster });
  return view;
}

function mergeSettings(current: Cluster['settings'], updates: Cluster['settings']): Cluster['settings'] {
  const byName = new Map(current.map((s) => [s.name, s]));
  for (const setting of updates) byName.set(setting.name, setting);
  return [...byName.values()];
}
