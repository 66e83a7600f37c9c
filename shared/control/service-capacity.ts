import { chooseStrategy } from '../domain/capacity-strategy.ts';
import type { StrategyItem } from '../domain/strategy-rules.ts';
import type { Service } from '../schemas/service.ts';
import { requireActiveCluster } from './clusters.ts';
import type { ControlContext } from './context.ts';

/** What UpdateService does to the strategy: nothing (member absent), or set it (none for an empty list). */
export type StrategyUpdate = { readonly strategy: StrategyItem[] | undefined } | undefined;

/** Checks an UpdateService strategy against the service's cluster before anything is written. */
export async function strategyUpdate(
  ctx: ControlContext,
  clusterName: string,
  given: readonly StrategyItem[] | undefined,
): Promise<StrategyUpdate> {
  if (given === undefined) return undefined;
  const cluster = (await requireActiveCluster(ctx, clusterName)).value;
  return { strategy: chooseStrategy({ given }, cluster) };
}

export function withStrategy(service: Service, update: StrategyUpdate): Service {
  if (update === undefined) return service;
  const { capacityProviderStrategy: _old, ...rest } = service;
  return update.strategy === undefined ? rest : { ...rest, capacityProviderStrategy: update.strategy };
}
