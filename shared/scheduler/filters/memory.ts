import type { Demand } from '#shared/domain/resources.ts';
import type { CandidateInstance } from '../fleet.ts';
import { PASS, reject, type Filter } from '../types.ts';

/** The test alone, for the indexed path that needs no explanation. */
export function memoryFits(instance: CandidateInstance, demand: Demand): boolean {
  return instance.remainingMemory >= demand.memory;
}

export function memoryFilter(demand: Demand): Filter {
  return (instance: CandidateInstance) =>
    memoryFits(instance, demand)
      ? PASS
      : reject(
          'RESOURCE:MEMORY',
          `${instance.id} has ${instance.remainingMemory} MiB free, the task needs ${demand.memory}`,
        );
}
