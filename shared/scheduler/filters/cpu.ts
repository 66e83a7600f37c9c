import type { Demand } from '#shared/domain/resources.ts';
import type { CandidateInstance } from '../fleet.ts';
import { PASS, reject, type Filter } from '../types.ts';

/** The test alone, for the indexed path that needs no explanation. */
export function cpuFits(instance: CandidateInstance, demand: Demand): boolean {
  return instance.remainingCpu >= demand.cpu;
}

export function cpuFilter(demand: Demand): Filter {
  return (instance: CandidateInstance) =>
    cpuFits(instance, demand)
      ? PASS
      : reject(
          'RESOURCE:CPU',
          `${instance.id} has ${instance.remainingCpu} CPU units free, the task needs ${demand.cpu}`,
        );
}
