import type { TaskStatus } from '../domain/task-status.ts';

/** What DescribeClusters counts, as ECS defines each number. */
export interface ClusterCounts {
  /** Tasks in RUNNING. */
  readonly runningTasksCount: number;
  /** Tasks on their way to RUNNING (PROVISIONING, PENDING, ACTIVATING). */
  readonly pendingTasksCount: number;
  /** Services in ACTIVE; DRAINING ones are being deleted and do not count. */
  readonly activeServicesCount: number;
  /**
   * Tasks not yet STOPPED, whatever their status: a STOPPING task counts in
   * neither ECS number above but its containers may still run, so a cluster
   * holding one cannot be deleted yet.
   */
  readonly unstoppedTasksCount: number;
}

const PENDING_STATUSES: ReadonlySet<TaskStatus> = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

export function countCluster(taskStatuses: readonly TaskStatus[], serviceStatuses: readonly string[]): ClusterCounts {
  return {
    runningTasksCount: taskStatuses.filter((s) => s === 'RUNNING').length,
    pendingTasksCount: taskStatuses.filter((s) => PENDING_STATUSES.has(s)).length,
    activeServicesCount: serviceStatuses.filter((s) => s === 'ACTIVE').length,
    unstoppedTasksCount: taskStatuses.filter((s) => s !== 'STOPPED').length,
  };
}
