import type { Task } from '../schemas/task.ts';
import { launchBackoffMs } from '../domain/service-rules.ts';
import { isFailure } from './service-tasks.ts';

/**
 * Launch backoff: a service whose tasks cannot start is not restarted in a
 * hot loop. Only start failures count (ECS's service throttle; Kubernetes'
 * CrashLoopBackOff): a task that failed before it ran, or that failed on its
 * own within STABLE_RUN_MS of starting. A task that ran and was then killed,
 * or failed after running a good while, says nothing about whether the next
 * one will start, and never holds launches back.
 */

/** A task that ran this long started successfully; a failure after it is not a start failure. */
export const STABLE_RUN_MS = 60_000;

/** Start failures older than this no longer count. */
export const FAILURE_WINDOW_MS = 5 * 60_000;

/** One message, worded as ECS words it, so that repeats de-duplicate. */
export const BACKOFF_MESSAGE = 'is unable to consistently start tasks successfully.';

export function isStartFailure(task: Task): boolean {
  if (!isFailure(task)) return false;
  if (task.startedAt === undefined) return true;
  const stoppedAt = task.executionStoppedAt ?? task.stoppedAt;
  return stoppedAt === undefined || stoppedAt - task.startedAt < STABLE_RUN_MS;
}

/**
 * When the service last proved it can start tasks: the moment one of its
 * tasks had run for STABLE_RUN_MS (still running, or stopped later for any
 * reason). Start failures before that moment are forgiven.
 */
export function lastStableRun(tasks: readonly Task[], now: number): number {
  let latest = 0;
  for (const t of tasks) {
    if (t.startedAt === undefined) continue;
    const end = t.lastStatus === 'STOPPED' ? (t.executionStoppedAt ?? t.stoppedAt ?? t.startedAt) : now;
    if (end - t.startedAt >= STABLE_RUN_MS) latest = Math.max(latest, t.startedAt + STABLE_RUN_MS);
  }
  return latest;
}

export interface LaunchBackoff {
  /** Start failures that count now. */
  readonly failures: number;
  /** How long launches wait from now; 0 when they may go ahead. */
  readonly waitMs: number;
}

/** The backoff of one deployment's tasks (every task it started, stopped ones included). */
export function launchBackoff(tasks: readonly Task[], now: number): LaunchBackoff {
  const since = Math.max(now - FAILURE_WINDOW_MS, lastStableRun(tasks, now));
  const counted = tasks.filter((t) => isStartFailure(t) && (t.stoppedAt ?? 0) > since);
  const last = Math.max(0, ...counted.map((t) => t.stoppedAt ?? 0));
  return { failures: counted.length, waitMs: Math.max(0, last + launchBackoffMs(counted.length) - now) };
}
