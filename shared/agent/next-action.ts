import { createVerdict, dependencyVerdict } from './dependencies.ts';
import { CONTAINER_STEPS, containerGoal } from './lifecycle.ts';
import { buildReport, isReportable, reportFingerprint } from './report.ts';
import type { ContainerState, TaskState } from './task-model.ts';
import { ESSENTIAL_EXIT_REASON, type AgentStopCode } from '../schemas/stop-codes.ts';

/** What the agent should do next for a task. The agent executes; it decides nothing itself. */
export type AgentAction =
  | { readonly kind: 'fetch-spec' }
  | { readonly kind: 'stop-task'; readonly stopCode?: AgentStopCode; readonly reason?: string }
  | { readonly kind: 'pull'; readonly container: string }
  | { readonly kind: 'create'; readonly container: string }
  | { readonly kind: 'start'; readonly container: string }
  | { readonly kind: 'stop'; readonly container: string; readonly timeoutSeconds: number }
  /** Start an exited container again in place, as its restart policy asks. */
  | { readonly kind: 'restart'; readonly container: string }
  | { readonly kind: 'abandon'; readonly container: string }
  | { readonly kind: 'report'; readonly fingerprint: string };

/**
 * Everything that can be done for the task right now; empty means nothing.
 * Steps for different containers are independent and may run at once. A
 * `stop-task` decision comes alone: once applied, the steps toward STOPPED
 * follow.
 */
export function nextActions(task: TaskState, containers: readonly ContainerState[]): AgentAction[] {
  if (task.removedAt !== undefined) return [];
  const actions: AgentAction[] = [];
  if (!task.spec && task.desiredStatus === 'RUNNING' && !task.stopping) {
    // Nothing to run without the spec; containers adopted by label wait for it too.
    if (containers.length === 0) return [{ kind: 'fetch-spec' }];
    actions.push({ kind: 'fetch-spec' });
  }
  // Also when every container has already stopped: the decision is what names the reason.
  if (!task.stopping) {
    const decision = stopDecision(task, containers);
    if (decision) return [decision];
  }
  const goal = containerGoal(task);
  for (const c of containers) {
    if (c.pending) continue;
    if (c.restartPending && goal === 'RUNNING') {
      actions.push({ kind: 'restart', container: c.name });
      continue;
    }
    const step = CONTAINER_STEPS[c.status][goal];
    if (step === undefined) continue;
    if (step === 'start' && dependencyVerdict(c, containers).kind !== 'met') continue;
    if (step === 'create' && createVerdict(c, containers).kind !== 'met') continue;
    if (step === 'stop') {
      if (!dependentsStopped(c, containers)) continue;
      actions.push({ kind: 'stop', container: c.name, timeoutSeconds: c.stopTimeoutSeconds });
    } else {
      actions.push({ kind: step, container: c.name });
    }
  }
  if (isReportable(task)) {
    const fingerprint = reportFingerprint(buildReport(task, containers));
    if (fingerprint !== task.reportedFingerprint) actions.push({ kind: 'report', fingerprint });
  }
  return actions;
}

/** Why a task that is meant to run must stop now, if it must. */
function stopDecision(task: TaskState, containers: readonly ContainerState[]): AgentAction | undefined {
  if (task.desiredStatus === 'STOPPED') return { kind: 'stop-task' };
  const failed = containers.find((c) => c.failed);
  if (failed)
    return { kind: 'stop-task', stopCode: 'TaskFailedToStart', reason: failed.reason ?? 'A container failed to start' };
  if (containers.some((c) => c.essential && c.status === 'STOPPED')) {
    return { kind: 'stop-task', stopCode: 'EssentialContainerExited', reason: ESSENTIAL_EXIT_REASON };
  }
  for (const c of containers) {
    if (c.status === 'RUNNING' || c.status === 'STOPPED') continue;
    for (const verdict of [createVerdict(c, containers), dependencyVerdict(c, containers)]) {
      if (verdict.kind === 'blocked')
        return { kind: 'stop-task', stopCode: 'TaskFailedToStart', reason: verdict.reason };
    }
  }
  return undefined;
}

/**
 * Containers stop in reverse dependency order: one waits while a container
 * that depends on it still runs. In a dependency cycle nobody would go
 * first, so then everything stops at once.
 */
function dependentsStopped(c: ContainerState, containers: readonly ContainerState[]): boolean {
  const running = containers.filter((other) => other.status === 'RUNNING');
  const waitsFor = (x: ContainerState): boolean =>
    running.some((other) => other !== x && other.dependsOn.some((d) => d.containerName === x.name));
  if (!waitsFor(c)) return true;
  return running.every((x) => waitsFor(x));
}
