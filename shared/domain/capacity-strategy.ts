import { InvalidParameterError } from './errors.ts';
import { checkStrategy, type StrategyItem } from './strategy-rules.ts';

/** The attribute every instance a provider launched carries, naming the provider. */
export const PROVIDER_ATTRIBUTE = 'berth.capacity-provider';

/** The memberOf expression that keeps a task on its provider's instances. */
export function providerConstraint(provider: string): { type: 'memberOf'; expression: string } {
  return { type: 'memberOf', expression: `attribute:${PROVIDER_ATTRIBUTE} == ${provider}` };
}

export interface StrategyChoice {
  readonly launchType?: string | undefined;
  readonly given?: readonly StrategyItem[] | undefined;
}

/**
 * The strategy a RunTask or a service follows, as ECS chooses it: the one
 * given, else none when a launch type is given, else the cluster's default.
 * An empty list is no strategy. Giving both is refused, and every strategy
 * must pass ECS's rules against the cluster's providers.
 */
export function chooseStrategy(
  choice: StrategyChoice,
  cluster: {
    readonly capacityProviders?: readonly string[] | undefined;
    readonly defaultCapacityProviderStrategy?: readonly StrategyItem[] | undefined;
  },
): StrategyItem[] | undefined {
  const given = choice.given !== undefined && choice.given.length > 0 ? choice.given : undefined;
  if (given && choice.launchType !== undefined) {
    throw new InvalidParameterError(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
      { capacityProviderStrategy: given, launchType: choice.launchType },
    );
  }
  if (given) {
    checkStrategy('capacityProviderStrategy', given, cluster.capacityProviders ?? []);
    return [...given];
  }
  if (choice.launchType !== undefined || choice.given !== undefined) return undefined;
  const fallback = cluster.defaultCapacityProviderStrategy ?? [];
  return fallback.length > 0 ? [...fallback] : undefined;
}
