import { providerConstraint } from '../domain/capacity-strategy.ts';
import type { StrategyItem } from '../domain/strategy-rules.ts';
import { splitByStrategy } from '../scheduler/capacity-split.ts';
import type { Task } from '../schemas/task.ts';
import type { DirectDecision } from './direct-placement.ts';

/**
 * Gives each new task its capacity provider by the strategy's split (counting
 * the provider tasks a service already has) and keeps it on that provider's
 * instances with a memberOf constraint. Without a strategy the tasks are as built.
 */
export function onProviders(
  built: readonly Task[],
  strategy: readonly StrategyItem[] | undefined,
  existing: readonly Task[] = [],
): Task[] {
  if (strategy === undefined || strategy.length === 0) return [...built];
  const held: Record<string, number> = {};
  for (const t of existing) {
    if (t.capacityProviderName !== undefined && t.desiredStatus !== 'STOPPED') {
      held[t.capacityProviderName] = (held[t.capacityProviderName] ?? 0) + 1;
    }
  }
  const providers = splitByStrategy(strategy, built.length, held);
  return built.map((task, i) => {
    const provider = providers[i];
    if (provider === undefined) return task;
    return {
      ...task,
      capacityProviderName: provider,
      placementConstraints: [...task.placementConstraints, providerConstraint(provider)],
    };
  });
}

/**
 * A task of a capacity provider that fits nowhere yet waits PROVISIONING for
 * the instances managed scaling launches, as in ECS, instead of failing.
 */
export function waitForCapacity(candidates: readonly Task[], decisions: readonly DirectDecision[]): DirectDecision[] {
  return decisions.map((decision, i) =>
    decision.kind === 'unplaceable' && candidates[i]?.capacityProviderName !== undefined
      ? { kind: 'deferred' }
      : decision,
  );
}
