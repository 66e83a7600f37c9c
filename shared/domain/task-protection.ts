import type { Task } from '../schemas/task.ts';

/** ECS's bounds and default for `expiresInMinutes`. */
export const PROTECTION_MINUTES = { min: 1, max: 2880, default: 120 } as const;

/**
 * A task is protected from scale-in while its protection has not expired:
 * expiry needs no write, since every reader compares with the clock (as ECS
 * clears `protectionEnabled` when the period lapses).
 */
export function isProtected(task: Task, now: number): boolean {
  return task.protectedUntil !== undefined && task.protectedUntil > now;
}

/** Only a service's tasks that are not on their way out can be protected (ECS answers others TASK_NOT_VALID). */
export function isProtectable(task: Task): boolean {
  return task.group?.startsWith('service:') === true && task.desiredStatus !== 'STOPPED';
}

/**
 * The change UpdateTaskProtection makes, run through a conditional write:
 * protection until `until`, or none. Enabling again always resets the
 * expiry (ECS extends protection that way). A task that cannot be
 * protected is left as it is, and the answer reports it as not valid.
 */
export function protect(until: number | undefined): (task: Task) => Task | undefined {
  return (task) => {
    if (!isProtectable(task)) return undefined;
    if (until === undefined) {
      if (task.protectedUntil === undefined) return undefined;
      const { protectedUntil: _cleared, ...rest } = task;
      return rest;
    }
    return task.protectedUntil === until ? undefined : { ...task, protectedUntil: until };
  };
}
