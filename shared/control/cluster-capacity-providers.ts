import type { z } from 'zod';
import { capacityProviders, clusters, services } from '../domain/collections.ts';
import { ClientError, ResourceInUseError } from '../domain/errors.ts';
import { checkStrategy } from '../domain/strategy-rules.ts';
import type { Cluster } from '../schemas/cluster.ts';
import type { putClusterCapacityProvidersRequest } from '../schemas/capacity-provider-requests.ts';
import { requireActiveCluster } from './clusters.ts';
import type { ControlContext } from './context.ts';
import { readAll } from './listing.ts';
import { providerName } from './capacity-providers.ts';

/**
 * PutClusterCapacityProviders replaces the cluster's providers and default
 * strategy as one write. Every named provider must be ACTIVE; a provider
 * dropped from the list must not be in a service's strategy (ECS's
 * ResourceInUseException). Nothing is written when a check fails.
 */
export async function putClusterCapacityProviders(
  ctx: ControlContext,
  request: z.infer<typeof putClusterCapacityProvidersRequest>,
): Promise<Cluster> {
  const found = await requireActiveCluster(ctx, request.cluster);
  const names = request.capacityProviders.map(providerName);
  await requireActiveProviders(ctx, names);
  const strategy = request.defaultCapacityProviderStrategy.map((s) => ({
    ...s,
    capacityProvider: providerName(s.capacityProvider),
  }));
  checkStrategy('defaultCapacityProviderStrategy', strategy, names);
  const dropped = (found.value.capacityProviders ?? []).filter((n) => !names.includes(n));
  if (dropped.length > 0) await refuseDroppingUsed(ctx, found.value.clusterName, dropped);
  const next: Cluster = { ...found.value, capacityProviders: names, defaultCapacityProviderStrategy: strategy };
  await ctx.store.replace(clusters, next, found.version);
  return next;
}

async function requireActiveProviders(ctx: ControlContext, names: readonly string[]): Promise<void> {
  const found = await ctx.store.getMany(
    capacityProviders,
    names.map((n) => capacityProviders.key(n)),
  );
  const active = new Set(found.filter((f) => f.value.status === 'ACTIVE').map((f) => f.value.name));
  const missing = names.find((n) => !active.has(n));
  if (missing !== undefined) {
    throw new ClientError(
      `The specified capacity provider ${missing} does not exist. Specify a valid name or ARN and try again.`,
      {
        capacityProviders: missing,
      },
    );
  }
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
