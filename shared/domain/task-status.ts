/**
 * The task lifecycle as data. ECS's statuses in their order: a task only ever
 * moves forward through this list, which is what makes replayed or reordered
 * state reports harmless.
 */
export const TASK_STATUSES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];

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
