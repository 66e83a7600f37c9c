import type { Fleet } from './fleet.ts';
import type { StrategyRule } from './placement-rules.ts';
import { binpackScorer } from './scorers/binpack.ts';
import { randomScorer } from './scorers/random.ts';
import { spreadAttributeScorer, spreadInstanceScorer } from './scorers/spread.ts';
import type { PlacementRequest, Scorer } from './types.ts';

/** One scorer per strategy, in the user's order. */
export function scorersFor(
  request: PlacementRequest,
  strategies: readonly StrategyRule[],
  fleet: Fleet,
  random: () => number,
): Scorer[] {
  return strategies.map((rule) => {
    switch (rule.kind) {
      case 'binpack':
        return binpackScorer(rule.field, request.demand);
      case 'spread-instance':
        return spreadInstanceScorer(request.group);
      case 'spread-attribute':
        return spreadAttributeScorer(fleet, rule.attribute, request.group);
      case 'random':
        return randomScorer(random);
    }
  });
}

/**
 * Lexicographic: the first strategy decides and each later one only breaks
 * the ties of those before it. Positive if `a` is better.
 */
export function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
