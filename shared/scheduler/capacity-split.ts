/**
 * How ECS shares tasks between the capacity providers of a strategy: the
 * provider with a base gets its first `base` tasks, then every further task
 * goes to the provider furthest below its share by weight (ties to the one
 * listed first). Counting from the tasks a service already has, the split
 * of new tasks tops up the providers that are short, so a service's whole
 * set follows the strategy, not each batch.
 */
export interface StrategyShare {
  readonly capacityProvider: string;
  readonly base?: number | undefined;
  readonly weight?: number | undefined;
}

export function splitByStrategy(
  strategy: readonly StrategyShare[],
  count: number,
  existing: Readonly<Record<string, number>> = {},
): string[] {
  const held = new Map(strategy.map((s) => [s.capacityProvider, existing[s.capacityProvider] ?? 0]));
  const chosen: string[] = [];
  for (let i = 0; i < count; i++) {
    const next = belowBase(strategy, held) ?? byWeight(strategy, held);
    if (next === undefined) break;
    chosen.push(next);
    held.set(next, (held.get(next) ?? 0) + 1);
  }
  return chosen;
}

function belowBase(strategy: readonly StrategyShare[], held: ReadonlyMap<string, number>): string | undefined {
  return strategy.find((s) => (held.get(s.capacityProvider) ?? 0) < (s.base ?? 0))?.capacityProvider;
}

/** The provider whose next task keeps the weighted shares closest: least (tasks beyond base + 1) / weight. */
function byWeight(strategy: readonly StrategyShare[], held: ReadonlyMap<string, number>): string | undefined {
  let best: { name: string; load: number } | undefined;
  for (const s of strategy) {
    const weight = s.weight ?? 0;
    if (weight <= 0) continue;
    const beyondBase = Math.max(0, (held.get(s.capacityProvider) ?? 0) - (s.base ?? 0));
    const load = (beyondBase + 1) / weight;
    if (best === undefined || load < best.load) best = { name: s.capacityProvider, load };
  }
  return best?.name;
}
