import { capacityProviders } from '../domain/collections.ts';
import { ClientError } from '../domain/errors.ts';
import { checkStrategy } from '../domain/strategy-rules.ts';
import type { Cluster } from '../schemas/cluster.ts';
import type { ControlContext } from './context.ts';
import { providerName } from './capacity-providers.ts';

export type CapacityAssociation = Required<Pick<Cluster, 'capacityProviders' | 'defaultCapacityProviderStrategy'>>;

/**
 * The providers a cluster names and its default strategy, checked as ECS
 * checks them for CreateCluster and PutClusterCapacityProviders alike: every
 * provider (name or ARN) ACTIVE, the strategy only over those providers.
 * Answers the names as stored; throws before anything is written.
 */
export async function checkedAssociation(
  ctx: ControlContext,
  providers: readonly string[],
  strategy: CapacityAssociation['defaultCapacityProviderStrategy'],
): Promise<CapacityAssociation> {
  const names = providers.map(providerName);
  await requireActiveProviders(ctx, names);
  const named = strategy.map((s) => ({ ...s, capacityProvider: providerName(s.capacityProvider) }));
  checkStrategy('defaultCapacityProviderStrategy', named, names);
  return { capacityProviders: names, defaultCapacityProviderStrategy: named };
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
