import { TASK_STATUSES, type TaskStatus } from '../schemas/task-status.ts';

/**
 * The task lifecycle as data: the ordered status list (its home is
 * shared/schemas/task-status.ts, re-exported here beside the rules that use
 * its order).
 */
export { TASK_STATUSES, type TaskStatus };

/** What a task should become; ECS only ever asks for these two. */
export type DesiredStatus = 'RUNNING' | 'STOPPED';

export function statusRank(status: TaskStatus): number {
  return TASK_STATUSES.indexOf(status);
}

/** True if moving from `from` to `to` goes forward (or stays put). */
export function isForward(from: TaskStatus, to: TaskStatus): boolean {
  return statusRank(to) >= statusRank(from);
}

export function isTerminal(status: TaskStatus): boolean {
  return status === 'STOPPED';
}
