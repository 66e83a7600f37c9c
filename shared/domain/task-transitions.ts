import type { TaskStateReport } from '../schemas/agent-api.ts';
import { ESSENTIAL_EXIT_REASON, type RequestedStopCode, type StopCode } from '../schemas/stop-codes.ts';
import type { Task, TaskContainer } from '../schemas/task.ts';
import { isForward, statusRank } from './task-status.ts';

/**
 * The control plane's task lifecycle, as the agent has its reducer: each
 * change a task item can undergo is a pure function of the task as stored,
 * answering the next task or undefined when there is nothing to change.
 * Callers only run them through a conditional write (updateWithRetry), so a
 * transition re-applied to a newer version after a lost race decides again
 * on what is there now.
 */
export type TaskTransition = (task: Task) => Task | undefined;

/** A waiting task joins the instance that holds its assignment; once only. */
export function bind(instanceId: string): TaskTransition {
  return (task) =>
    task.containerInstanceId !== undefined || task.lastStatus !== 'PROVISIONING'
      ? undefined
      : { ...task, containerInstanceId: instanceId, lastStatus: 'PENDING' };
}

export interface StopRequest {
  readonly stopCode: RequestedStopCode;
  readonly reason: string;
}

/**
 * Desired status becomes STOPPED; the agent does the rest. The first stop's
 * code and reason are kept. A task that was never placed runs nowhere, so it
 * is stopped at once.
 */
export function requestStop(stop: StopRequest, now: number): TaskTransition {
  return (task) => {
    if (task.desiredStatus === 'STOPPED') return undefined;
    const stopping: Task = {
      ...task,
      desiredStatus: 'STOPPED',
      stoppingAt: now,
      stopCode: stop.stopCode,
      stoppedReason: stop.reason,
    };
    return task.containerInstanceId === undefined && task.lastStatus === 'PROVISIONING'
      ? { ...stopping, lastStatus: 'STOPPED', stoppedAt: now, executionStoppedAt: now }
      : stopping;
  };
}

export interface ImmediateStop {
  readonly stopCode?: StopCode;
  readonly reason: string;
}

/**
 * STOPPED at once, without an agent's report: for a task that never ran, or
 * whose host is gone. A code and reason already given (a user's StopTask)
 * are kept. `when` guards against a task that moved on since it was read.
 */
export function stopNow(
  stop: ImmediateStop,
  now: number,
  when: (task: Task) => boolean = (task) => task.lastStatus !== 'STOPPED',
): TaskTransition {
  return (task) => {
    if (!when(task)) return undefined;
    const stopCode = task.stopCode ?? stop.stopCode;
    return {
      ...task,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppingAt: task.stoppingAt ?? now,
      stoppedAt: now,
      executionStoppedAt: task.executionStoppedAt ?? now,
      ...(stopCode !== undefined && { stopCode }),
      stoppedReason: task.stoppedReason ?? stop.reason,
    };
  };
}

/**
 * An agent's report, applied only if newer than every one applied before:
 * reports are delivered at least once and may arrive out of order.
 */
export function applyReport(report: TaskStateReport, now: number): TaskTransition {
  return (task) => (report.seq <= task.reportSeq ? undefined : mergeReport(task, report, now));
}

/** Merges a report into a task: statuses only move forward, first times are kept. */
export function mergeReport(task: Task, report: TaskStateReport, now: number): Task {
  const lastStatus = isForward(task.lastStatus, report.lastStatus) ? report.lastStatus : task.lastStatus;
  const stopping = lastStatus === 'STOPPED' && task.lastStatus !== 'STOPPED';
  return {
    ...task,
    containerInstanceId: task.containerInstanceId ?? report.instanceId,
    lastStatus,
    containers: mergeContainers(task.containers, report),
    reportSeq: report.seq,
    ...(report.healthStatus !== undefined && { healthStatus: report.healthStatus }),
    ...(task.pullStartedAt === undefined &&
      report.pullStartedAt !== undefined && { pullStartedAt: report.pullStartedAt }),
    ...(task.pullStoppedAt === undefined &&
      report.pullStoppedAt !== undefined && { pullStoppedAt: report.pullStoppedAt }),
    ...(task.startedAt === undefined && report.startedAt !== undefined && { startedAt: report.startedAt }),
    ...(task.executionStoppedAt === undefined &&
      report.executionStoppedAt !== undefined && { executionStoppedAt: report.executionStoppedAt }),
    ...(task.networkInterface &&
      report.networkInterface && { networkInterface: { ...task.networkInterface, ...report.networkInterface } }),
    ...(stopping && {
      // ECS sets desiredStatus STOPPED on a task that stops on its own
      // (an essential container exited, a start failed): ListTasks' default
      // filter then no longer finds it among the running.
      desiredStatus: 'STOPPED',
      stoppedAt: now,
      // A user's or scheduler's stop keeps its own code and reason.
      stopCode: task.stopCode ?? report.stopCode ?? 'EssentialContainerExited',
      stoppedReason: task.stoppedReason ?? report.stoppedReason ?? ESSENTIAL_EXIT_REASON,
      ...(task.stoppingAt === undefined && { stoppingAt: now }),
    }),
  };
}

function mergeContainers(containers: readonly TaskContainer[], report: TaskStateReport): TaskContainer[] {
  const byName = new Map(report.containers.map((c) => [c.name, c]));
  return containers.map((c): TaskContainer => {
    const r = byName.get(c.name);
    if (!r || statusRank(r.lastStatus) < statusRank(c.lastStatus)) return c;
    return {
      ...c,
      lastStatus: r.lastStatus,
      ...(r.runtimeId !== undefined && { runtimeId: r.runtimeId }),
      ...(r.imageDigest !== undefined && { imageDigest: r.imageDigest }),
      ...(r.exitCode !== undefined && { exitCode: r.exitCode }),
      ...(r.reason !== undefined && { reason: r.reason }),
      ...(r.networkBindings !== undefined && { networkBindings: r.networkBindings }),
      ...(r.healthStatus !== undefined && { healthStatus: r.healthStatus }),
    };
  });
}
