import type { Task } from '../schemas/task.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import { OUT_OF_MEMORY_REASON } from '../agent/observe.ts';

/** The task group every task of a service carries. */
export function serviceGroup(serviceName: string): string {
  return `service:${serviceName}`;
}

/** Still holding resources somewhere (or about to): anything not STOPPED. */
export function isOccupying(task: Task): boolean {
  return task.lastStatus !== 'STOPPED';
}

/** Counted towards the service: not stopped and not being stopped. */
export function isLive(task: Task): boolean {
  return task.lastStatus !== 'STOPPED' && task.desiredStatus === 'RUNNING';
}

/** RUNNING, and HEALTHY when the task has a health check. */
export function isHealthy(task: Task): boolean {
  return task.lastStatus === 'RUNNING' && (!task.healthChecked || task.healthStatus === 'HEALTHY');
}

export function isPending(task: Task): boolean {
  return task.lastStatus !== 'RUNNING' && task.lastStatus !== 'STOPPED';
}

export const HEALTH_CHECK_FAILURE = 'Task failed container health checks';

/** How ECS words the stop of a task its load balancer reports unhealthy (the target group follows). */
export const ELB_HEALTH_FAILURE = 'Task failed ELB health checks in';

/**
 * A task that stopped on its own account (its essential container exited,
 * it could not start, or it failed its container or load balancer health
 * checks) counts as a failure for the circuit breaker and for launch
 * backoff; one stopped by a user or
 * by a scale-down does not, nor one whose containers were killed from
 * outside (`docker kill`, an operator, a host shutting down).
 */
export function isFailure(task: Task): boolean {
  if (task.lastStatus !== 'STOPPED') return false;
  if (task.stopCode === 'TaskFailedToStart') return true;
  if (task.stopCode === 'EssentialContainerExited') return !wasKilled(task);
  const reason = task.stoppedReason ?? '';
  return reason.startsWith(HEALTH_CHECK_FAILURE) || reason.startsWith(ELB_HEALTH_FAILURE);
}

/** 128 + the signal: how a process ended by SIGKILL or SIGTERM exits. */
const SIGNAL_EXIT_CODES: ReadonlySet<number> = new Set([128 + 9, 128 + 15]);

/**
 * Its essential containers ended by a signal sent from outside rather than
 * exiting by themselves. The kernel's OOM killer also sends SIGKILL, but the
 * agent reports that as out of memory, which stays a failure: the task asked
 * for too little memory and its replacement will fail the same way.
 */
export function wasKilled(task: Task): boolean {
  const exited = task.containers.filter((c) => c.essential && c.exitCode !== undefined);
  if (exited.length === 0) return false;
  if (task.containers.some((c) => c.reason === OUT_OF_MEMORY_REASON)) return false;
  return exited.every((c) => c.exitCode !== undefined && SIGNAL_EXIT_CODES.has(c.exitCode));
}

/**
 * Order in which to stop surplus tasks: those doing nothing useful first
 * (unhealthy, then not yet running), then those on the most loaded instance,
 * so load evens out as a service shrinks.
 */
export function stopOrder(tasks: readonly Task[], instances: ReadonlyMap<string, ContainerInstance>): Task[] {
  const load = (t: Task) => {
    const instance = t.containerInstanceId === undefined ? undefined : instances.get(t.containerInstanceId);
    if (!instance) return 0;
    const used = Object.values(instance.assignments).reduce((sum, a) => sum + a.memory, 0);
    return instance.registered.memory === 0 ? 0 : used / instance.registered.memory;
  };
  const rank = (t: Task) => (t.healthStatus === 'UNHEALTHY' ? 0 : isPending(t) ? 1 : 2);
  return [...tasks].sort((a, b) => rank(a) - rank(b) || load(b) - load(a) || a.taskId.localeCompare(b.taskId));
}
