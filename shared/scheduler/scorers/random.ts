import type { Scorer } from '../types.ts';

/**
 * random: every instance draws a score from the request's seeded generator,
 * in fleet order, so the same seed on the same fleet picks the same one.
 *
 * Range [0, 1).
 */
export function randomScorer(random: () => number): Scorer {
  return () => random();
}
