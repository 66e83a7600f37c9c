import type { z } from 'zod';
import { clusterName } from '../domain/arn.ts';
import { clusters, containerInstances, services, tasks } from '../domain/collections.ts';
import { ClusterNotEmptyError, NotFoundError } from '../domain/errors.ts';
import { refuseReservedKeys } from '../domain/tags.ts';
import { clusterSetting, type Cluster } from '../schemas/cluster.ts';
import type { createClusterRequest, listClustersRequest } from '../schemas/ecs-requests.ts';
import type { Versioned } from '../ports/store.ts';
import { clusterPolicies } from '../security/cluster-policy.ts';
import { accountDefault } from './account-settings.ts';
import { checkedAssociation } from './capacity-association.ts';
import { countCluster, type ClusterCounts } from './cluster-counts.ts';
import type { ControlContext } from './context.ts';
import { listMatching, readAll } from './listing.ts';
import { decodeToken, encodeToken, pageSize } from './pagination.ts';

export interface ClusterView extends ClusterCounts {
  readonly cluster: Cluster;
  readonly registeredContainerInstancesCount: number;
}

/** Loads an ACTIVE cluster or fails as ECS does (ClusterNotFoundException). */
export async function requireActiveCluster(ctx: ControlContext, ref: string | undefined): Promise<Versioned<Cluster>> {
  const name = clusterName(ctx.deployment, ref);
  const found = await ctx.store.get(clusters, clusters.key(name));
  if (!found || found.value.status !== 'ACTIVE') {
    throw new NotFoundError('cluster', 'Cluster not found.', { cluster: name });
  }
  return found;
}

/**
 * CreateCluster is idempotent in ECS: creating an existing ACTIVE cluster
 * returns it; an INACTIVE one comes back to life.
 */
export async function createCluster(
  ctx: ControlContext,
  request: z.infer<typeof createClusterRequest>,
): Promise<ClusterView> {
  const name = request.clusterName ?? 'default';
  refuseReservedKeys((request.tags ?? []).map((t) => t.key));
  const association =
    request.capacityProviders || request.defaultCapacityProviderStrategy
      ? await checkedAssociation(ctx, request.capacityProviders ?? [], request.defaultCapacityProviderStrategy ?? [])
      : {};
  const fresh: Cluster = {
    ...association,
    clusterName: name,
    status: 'ACTIVE',
    tags: request.tags ?? [],
    // Without settings a cluster takes the account's containerInsights default, as in ECS.
    settings: request.settings ?? [
      clusterSetting.parse({ name: 'containerInsights', value: await accountDefault(ctx, 'containerInsights') }),
    ],
    createdAt: ctx.clock.now(),
  };
  for (;;) {
    const existing = await ctx.store.get(clusters, clusters.key(name));
    if (existing?.value.status === 'ACTIVE') return describe(ctx, existing.value);
    const outcome = existing
      ? await ctx.store.tryReplace(clusters, fresh, existing.version)
      : await ctx.store.tryCreate(clusters, fresh);
    // A lost race goes round again: the winner may have made it ACTIVE.
    if (outcome.written) return describe(ctx, fresh);
  }
}

/** Creates the cluster unless it is already ACTIVE (dev mode's default cluster). */
export async function ensureCluster(ctx: ControlContext, name: string): Promise<void> {
  await createCluster(ctx, { clusterName: name });
}

/** How long a deleted cluster stays describable (as INACTIVE) before the table expires it. */
export const INACTIVE_CLUSTER_RETENTION_SECONDS = 3600;

/** ECS refuses to delete a cluster that still has instances or tasks. */
export async function deleteCluster(ctx: ControlContext, ref: string): Promise<ClusterView> {
  const found = await requireActiveCluster(ctx, ref);
  const view = await describe(ctx, found.value);
  if (view.registeredContainerInstancesCount > 0) {
    throw new ClusterNotEmptyError(
      'containerInstances',
      'The Cluster cannot be deleted while Container Instances are active or draining.',
    );
  }
  if (view.unstoppedTasksCount > 0) {
    throw new ClusterNotEmptyError('tasks', 'The Cluster cannot be deleted while Tasks are active.');
  }
  const inactive: Cluster = { ...found.value, status: 'INACTIVE' };
  // DescribeClusters answers it INACTIVE for an hour, then the table expires it.
  const expiresAt = Math.floor(ctx.clock.now() / 1000) + INACTIVE_CLUSTER_RETENTION_SECONDS;
  await ctx.store.replace(clusters, inactive, found.version, { expiresAt });
  // A cluster created again under this name starts from the secure defaults.
  const policy = await ctx.store.get(clusterPolicies, clusterPolicies.key(found.value.clusterName));
  // A policy changed meanwhile was written by an administrator after the
  // delete began: it is theirs to keep, so losing this race is no fault.
  if (policy) await ctx.store.tryDelete(clusterPolicies, clusterPolicies.key(found.value.clusterName), policy.version);
  return { ...view, cluster: inactive };
}

export interface DescribeClustersResult {
  readonly clusters: ClusterView[];
  readonly missing: string[];
}

export async function describeClusters(
  ctx: ControlContext,
  refs: readonly string[] | undefined,
): Promise<DescribeClustersResult> {
  const names = (refs && refs.length > 0 ? refs : ['default']).map((r) => clusterName(ctx.deployment, r));
  const found = await ctx.store.getMany(
    clusters,
    names.map((n) => clusters.key(n)),
  );
  const byName = new Map(found.map((f) => [f.value.clusterName, f.value]));
  const views: ClusterView[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const cluster = byName.get(name);
    if (cluster) views.push(await describe(ctx, cluster));
    else missing.push(name);
  }
  return { clusters: views, missing };
}

export async function listClusters(
  ctx: ControlContext,
  request: z.infer<typeof listClustersRequest>,
): Promise<{ names: string[]; nextToken?: string }> {
  const page = await listMatching(ctx.store, clusters, clusters.partition(), {
    limit: pageSize(request.maxResults),
    ...optionalAfter(decodeToken('clusters', request.nextToken)),
    match: (c) => c.status === 'ACTIVE',
  });
  return {
    names: page.items.map((i) => i.value.clusterName),
    ...(page.next !== undefined && { nextToken: encodeToken('clusters', page.next) }),
  };
}

export function optionalAfter(after: string | undefined): { after?: string } {
  return after === undefined ? {} : { after };
}

async function describe(ctx: ControlContext, cluster: Cluster): Promise<ClusterView> {
  if (cluster.status !== 'ACTIVE') {
    return { cluster, registeredContainerInstancesCount: 0, ...countCluster([], []) };
  }
  const [instances, clusterTasks, clusterServices] = await Promise.all([
    readAll(ctx.store, containerInstances, containerInstances.partition(cluster.clusterName)),
    readAll(ctx.store, tasks, tasks.partition(cluster.clusterName)),
    readAll(ctx.store, services, services.partition(cluster.clusterName)),
  ]);
  return {
    cluster,
    registeredContainerInstancesCount: instances.filter((i) => i.value.status !== 'INACTIVE').length,
    ...countCluster(
      clusterTasks.map((t) => t.value.lastStatus),
      clusterServices.map((s) => s.value.status),
    ),
  };
}
