import { InvalidParameterError } from './errors.ts';

export interface StrategyItem {
  readonly capacityProvider: string;
  readonly weight?: number | undefined;
  readonly base?: number | undefined;
}

/**
 * ECS's rules for a capacity provider strategy, wherever one is given
 * (RunTask, CreateService, UpdateService, a cluster's default): each
 * provider once, associated with the cluster, at most one base, and some
 * weight to share the tasks beyond it. `member` names the request member.
 */
export function checkStrategy(member: string, strategy: readonly StrategyItem[], associated: readonly string[]): void {
  const names = strategy.map((s) => s.capacityProvider);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) {
    throw new InvalidParameterError(`${member}: the capacity provider ${repeated} appears more than once.`, {
      [member]: repeated,
    });
  }
  const stranger = names.find((n) => !associated.includes(n));
  if (stranger !== undefined) {
    throw new InvalidParameterError(
      `${member}: the specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster (${stranger}). Associate the capacity provider with the cluster or specify a valid capacity provider and try again.`,
      { [member]: stranger },
    );
  }
  if (strategy.filter((s) => (s.base ?? 0) > 0).length > 1) {
    throw new InvalidParameterError(
      `${member}: only one capacity provider in a strategy can have a base greater than 0.`,
      {
        [member]: names,
      },
    );
  }
  if (strategy.length > 0 && strategy.every((s) => (s.weight ?? 0) === 0)) {
    throw new InvalidParameterError(`${member}: at least one capacity provider must have a weight greater than 0.`, {
      [member]: names,
    });
  }
}
