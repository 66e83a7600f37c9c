import type { z } from 'zod';
import { clusters, services } from '../domain/collections.ts';
import { ResourceInUseError } from '../domain/errors.ts';
import type { Cluster } from '../schemas/cluster.ts';
import type { putClusterCapacityProvidersRequest } from '../schemas/capacity-provider-requests.ts';
import { requireActiveCluster } from './clusters.ts';
import type { ControlContext } from './context.ts';
import { readAll } from './listing.ts';
import { checkedAssociation } from './capacity-association.ts';

/**
 * PutClusterCapacityProviders replaces the cluster's providers and default
 * strategy as one write, checked as CreateCluster checks them
 * (./capacity-association.ts); a provider
 * dropped from the list must not be in a service's strategy (ECS's
 * ResourceInUseException). Nothing is written when a check fails.
 */
export async function putClusterCapacityProviders(
  ctx: ControlContext,
  request: z.infer<typeof putClusterCapacityProvidersRequest>,
): Promise<Cluster> {
  const found = await requireActiveCluster(ctx, request.cluster);
  const association = await checkedAssociation(ctx, request.capacityProviders, request.defaultCapacityProviderStrategy);
  const names = association.capacityProviders;
  const dropped = (found.value.capacityProviders ?? []).filter((n) => !names.includes(n));
  if (dropped.length > 0) await refuseDroppingUsed(ctx, found.value.clusterName, dropped);
  const next: Cluster = { ...found.value, ...association };
  await ctx.store.replace(clusters, next, found.version);
  return next;
}

async function refuseDroppingUsed(ctx: ControlContext, cluster: string, dropped: readonly string[]): Promise<void> {
  const clusterServices = await readAll(ctx.store, services, services.partition(cluster));
  const user = clusterServices.find(
    (s) =>
      s.value.status !== 'INACTIVE' &&
      (s.value.capacityProviderStrategy ?? []).some((item) => dropped.includes(item.capacityProvider)),
  );
  if (user) {
    throw new ResourceInUseError('The specified capacity provider is in use and cannot be removed.', {
      service: user.value.serviceName,
    });
  }
}
