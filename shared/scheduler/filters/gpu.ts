import type { CandidateInstance } from '../fleet.ts';
import { PASS, reject, type Filter } from '../types.ts';

/**
 * A task asking for GPUs goes only to an instance that registered at least
 * that many. GPUs are not yet divided among the tasks of one instance: no
 * agent reports any today, so every GPU task is refused with this reason.
 */
export function gpuFilter(gpus: number): Filter {
  return (instance: CandidateInstance) =>
    (instance.registeredGpus ?? 0) >= gpus
      ? PASS
      : reject('RESOURCE:GPU', `${instance.id} has ${instance.registeredGpus ?? 0} GPUs, the task needs ${gpus}`);
}
