import type { Demand } from '#shared/domain/resources.ts';
import type { CandidateInstance } from '../fleet.ts';
import type { Scorer } from '../types.ts';

export type BinpackField = 'cpu' | 'memory';

/** Above any registered cpu (units) or memory (MiB) an instance can report. */
const SCALE = 2 ** 40;

/**
 * binpack: the instance left with the least of the field once the task is
 * on it scores highest, so tasks fill one instance before starting the next.
 *
 * Range [0, 1]: 1 - leftover / 2^40. Leftovers are whole numbers below 2^40,
 * so the score is exact and equal leftovers tie exactly, which the next
 * strategy then breaks.
 */
export function binpackScorer(field: BinpackField, demand: Demand): Scorer {
  return field === 'cpu'
    ? (instance: CandidateInstance) => 1 - Math.max(0, instance.remainingCpu - demand.cpu) / SCALE
    : (instance: CandidateInstance) => 1 - Math.max(0, instance.remainingMemory - demand.memory) / SCALE;
}
