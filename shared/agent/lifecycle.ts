import { statusRank, type TaskStatus } from '../domain/task-status.ts';
import type { ContainerState, ContainerStatus, TaskState } from './task-model.ts';

/**
 * The container transition table: from a known status, the one runtime step
 * that moves the container toward what it should be. `abandon` marks a
 * container that never ran as stopped without touching the engine (a
 * created-but-never-started container is removed with the task later).
 */
export type Step = 'pull' | 'create' | 'start' | 'stop' | 'abandon';

export const CONTAINER_STEPS: Readonly<
  Record<ContainerStatus, Readonly<Record<'RUNNING' | 'STOPPED', Step | undefined>>>
> = {
  NONE: { RUNNING: 'pull', STOPPED: 'abandon' },
  PULLED: { RUNNING: 'create', STOPPED: 'abandon' },
  CREATED: { RUNNING: 'start', STOPPED: 'abandon' },
  RUNNING: { RUNNING: undefined, STOPPED: 'stop' },
  STOPPED: { RUNNING: undefined, STOPPED: undefined },
};

/** Where each container should head: everything stops once the task is stopping. */
export function containerGoal(task: Pick<TaskState, 'stopping' | 'desiredStatus'>): 'RUNNING' | 'STOPPED' {
  return task.stopping || task.desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING';
}

/**
 * The task status its containers add up to:
 * - STOPPED once every container is stopped;
 * - STOPPING while a stopping task still has containers to stop;
 * - RUNNING once every container has started (or run and finished, as a
 *   container others wait on to COMPLETE does) and none failed;
 * - PENDING before that.
 * The known status never goes back: callers keep the later of old and new.
 */
export function deriveTaskStatus(task: Pick<TaskState, 'stopping'>, containers: readonly ContainerState[]): TaskStatus {
  if (containers.every((c) => c.status === 'STOPPED')) return 'STOPPED';
  if (task.stopping) return 'STOPPING';
  const allStarted = containers.every(
    (c) => c.status === 'RUNNING' || (c.status === 'STOPPED' && c.startedAt !== undefined),
  );
  if (allStarted && !containers.some((c) => c.failed)) return 'RUNNING';
  return 'PENDING';
}

export function laterStatus(a: TaskStatus, b: TaskStatus): TaskStatus {
  return statusRank(b) > statusRank(a) ? b : a;
}

/** How an agent-side container status reads in a task report. */
export function reportedContainerStatus(status: ContainerStatus): TaskStatus {
  if (status === 'RUNNING') return 'RUNNING';
  if (status === 'STOPPED') return 'STOPPED';
  return 'PENDING';
}
