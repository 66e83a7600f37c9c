import { tasksOfGroup, type CandidateInstance } from '../fleet.ts';
import { PASS, reject, type Filter } from '../types.ts';

/**
 * No two tasks of the group on one instance. Without a group every task
 * counts, so the task only goes to an instance that runs nothing.
 */
export function isDistinct(instance: CandidateInstance, group: string | undefined): boolean {
  return tasksOfGroup(instance, group) === 0;
}

export function distinctInstanceFilter(group: string | undefined): Filter {
  return (instance: CandidateInstance) =>
    isDistinct(instance, group)
      ? PASS
      : reject(
          'DISTINCT_INSTANCE',
          group === undefined
            ? `${instance.id} already runs a task`
            : `${instance.id} already runs a task of group '${group}'`,
        );
}
