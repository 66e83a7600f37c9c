import type { AgentTask, ContainerState } from './task-model.ts';
import { containerRank, type ContainerStatus } from './task-status-rank.ts';
import { deriveTaskStatus, laterStatus } from './lifecycle.ts';
import { FAILURE_PREFIX, VANISHED_REASON, type TaskEvent } from './task-events.ts';
import type { Observed } from './observe.ts';
import { shouldRestart } from './restart-policy.ts';

/**
 * The task reducer: the task after `event`, at time `now`. Pure. Container
 * statuses and the task status only move forward, so a late or repeated
 * event (a `start` seen after the `die`, a resync after an event) is
 * harmless. Task timestamps are set on the transitions that define them.
 */
export function applyEvent(task: AgentTask, event: TaskEvent, now: number): AgentTask {
  return settle(reduce(task, event, now), now);
}

function reduce(task: AgentTask, event: TaskEvent, now: number): AgentTask {
  switch (event.type) {
    case 'desired':
      // A task never comes back from STOPPED: ECS task ids are single-use.
      return task.desiredStatus === 'STOPPED' ? task : { ...task, desiredStatus: event.desiredStatus };
    case 'spec-loaded':
      return {
        ...task,
        spec: event.spec,
        taskArn: event.spec.taskArn,
        containers: mergeAdopted(event.containers, task.containers),
      };
    case 'stop-decided':
      return {
        ...task,
        stopping: true,
        // The first reason wins: an essential exit is not renamed by the stops that follow it.
        stopCode: task.stopCode ?? event.stopCode,
        stoppedReason: task.stoppedReason ?? event.reason,
      };
    case 'step-began':
      return {
        ...update(task, event.container, (c) => ({ ...c, pending: event.step })),
        pullStartedAt: task.pullStartedAt ?? (event.step === 'pull' ? now : undefined),
      };
    case 'step-deferred':
      return update(task, event.container, idle);
    case 'step-failed':
      if (event.step === 'stop') return update(task, event.container, (c) => ({ ...idle(c), reason: event.message }));
      return update(task, event.container, (c) => ({
        ...idle(c),
        status: 'STOPPED',
        failed: true,
        reason: `${FAILURE_PREFIX[event.step]}: ${event.message}`,
      }));
    case 'pulled':
      return update(task, event.container, (c) => ({
        ...advance(idle(c), 'PULLED'),
        ...(event.imageDigest ? { imageDigest: event.imageDigest } : {}),
      }));
    case 'created':
      return update(task, event.container, (c) => ({
        ...advance(idle(c), 'CREATED'),
        runtimeId: event.runtimeId,
        hostPorts: [...event.hostPorts],
      }));
    case 'started':
      return update(task, event.container, (c) => {
        const seen = event.observed ? withObserved(idle(c), event.observed) : advance(idle(c), 'RUNNING', now);
        return event.networkBindings?.length ? { ...seen, networkBindings: [...event.networkBindings] } : seen;
      });
    case 'stop-done':
      return update(task, event.container, (c) =>
        event.observed ? withObserved(idle(c), event.observed) : advance(idle(c), 'STOPPED'),
      );
    case 'abandoned':
      return update(task, event.container, (c) => advance(idle(c), 'STOPPED'));
    case 'observed':
      return update(
        task,
        event.container,
        (c) => restartOnExit(task, c, event.observed, now) ?? withObserved(c, event.observed),
      );
    case 'restarted':
      return update(task, event.container, (c) => {
        const { exitCode: _exitCode, ...rest } = idle(c);
        return {
          ...rest,
          restartPending: false,
          restartCount: c.restartCount + 1,
          lastRestartAt: now,
          startedAt: event.observed?.startedAt ?? now,
        };
      });
    case 'vanished':
      return update(task, event.container, (c) =>
        c.status === 'STOPPED' || c.runtimeId === undefined
          ? c
          : { ...idle(c), status: 'STOPPED', reason: c.reason ?? VANISHED_REASON },
      );
    case 'report-queued':
      return { ...task, seq: task.seq + 1, reportedFingerprint: event.fingerprint };
    case 'report-answered':
      return { ...task, answeredSeq: Math.max(task.answeredSeq, event.seq) };
    case 'removed':
      return { ...task, removedAt: now };
  }
}

/** The derived task status and the timestamps its transitions define. */
function settle(task: AgentTask, now: number): AgentTask {
  let next = task;
  const pulled = next.containers.every((c) => containerRank(c.status) >= containerRank('PULLED'));
  if (next.pullStartedAt !== undefined && next.pullStoppedAt === undefined && pulled) {
    next = { ...next, pullStoppedAt: now };
  }
  // Without a spec or containers there is nothing to add up yet, unless the task was told to stop.
  if (next.spec || next.containers.length > 0 || next.stopping) {
    next = { ...next, status: laterStatus(next.status, deriveTaskStatus(next, next.containers)) };
  }
  if (next.status === 'RUNNING' && next.startedAt === undefined) {
    next = { ...next, startedAt: latest(next.containers.map((c) => c.startedAt)) ?? now };
  }
  if (next.status === 'STOPPED' && next.executionStoppedAt === undefined) {
    next = { ...next, executionStoppedAt: latest(next.containers.map((c) => c.finishedAt)) ?? now };
  }
  return next;
}

function update(task: AgentTask, name: string, change: (c: ContainerState) => ContainerState): AgentTask {
  if (!task.containers.some((c) => c.name === name)) return task;
  return { ...task, containers: task.containers.map((c) => (c.name === name ? change(c) : c)) };
}

function idle(c: ContainerState): ContainerState {
  const { pending: _pending, ...rest } = c;
  return rest;
}

function advance(c: ContainerState, status: ContainerStatus, startedAt?: number): ContainerState {
  if (containerRank(status) <= containerRank(c.status)) return c;
  return { ...c, status, ...(status === 'RUNNING' && c.startedAt === undefined && startedAt ? { startedAt } : {}) };
}

/**
 * A running container seen exited that its restart policy restarts: it
 * stays RUNNING (the task goes on, an essential container does not stop
 * it) with a restart pending. Undefined when the exit is an ordinary one.
 */
function restartOnExit(
  task: AgentTask,
  c: ContainerState,
  observed: Observed,
  now: number,
): ContainerState | undefined {
  if (c.status !== 'RUNNING' || observed.status !== 'STOPPED') return undefined;
  const meantToRun = !task.stopping && task.desiredStatus === 'RUNNING';
  if (!shouldRestart(c, observed.exitCode, meantToRun, now)) return undefined;
  return { ...c, restartPending: true, ...(observed.exitCode !== undefined ? { exitCode: observed.exitCode } : {}) };
}

/** The engine's view wins for facts (exit code, times, bindings) but never moves a status back. */
function withObserved(c: ContainerState, observed: Observed): ContainerState {
  let next: ContainerState = { ...c, runtimeId: observed.runtimeId };
  if (observed.status) next = advance(next, observed.status);
  if (observed.startedAt !== undefined) next = { ...next, startedAt: observed.startedAt };
  if (next.status === 'STOPPED') {
    next = { ...next, restartPending: false };
    if (observed.exitCode !== undefined && observed.status === 'STOPPED')
      next = { ...next, exitCode: observed.exitCode };
    if (observed.finishedAt !== undefined) next = { ...next, finishedAt: observed.finishedAt };
    if (observed.reason && !next.reason) next = { ...next, reason: observed.reason };
  } else if (observed.health) {
    next = { ...next, health: observed.health };
  }
  if (observed.networkBindings.length > 0) next = { ...next, networkBindings: [...observed.networkBindings] };
  // Kept after it stops (the engine then gives none): the task's address is reported until the end.
  if (observed.privateIpv4Address) next = { ...next, privateIpv4Address: observed.privateIpv4Address };
  if (observed.macAddress) next = { ...next, macAddress: observed.macAddress };
  return next;
}

/** Spec containers, carrying over what was already known of containers adopted by label. */
function mergeAdopted(fresh: readonly ContainerState[], known: readonly ContainerState[]): ContainerState[] {
  return fresh.map((c) => {
    const adopted = known.find((k) => k.name === c.name);
    if (!adopted) return c;
    return {
      ...adopted,
      essential: c.essential,
      dependsOn: c.dependsOn,
      hasHealthCheck: c.hasHealthCheck,
      stopTimeoutSeconds: c.stopTimeoutSeconds,
    };
  });
}

function latest(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}
