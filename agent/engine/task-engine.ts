import { applyEvent } from '#shared/agent/apply-event.ts';
import { containersFromSpec } from '#shared/agent/new-task.ts';
import { nextActions, type AgentAction } from '#shared/agent/next-action.ts';
import { buildReport, reportFingerprint, type ReportBody } from '#shared/agent/report.ts';
import type { TaskEvent } from '#shared/agent/task-events.ts';
import type { AgentTask, ContainerStep } from '#shared/agent/task-model.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { TaskSpec } from '#shared/schemas/agent-api.ts';
import type { ControlResult } from '../control/control-client.ts';
import type { AgentLogger } from '../log.ts';
import type { StateDir } from '../state/state-dir.ts';
import type { StepRunner } from './steps.ts';

export interface EngineDependencies {
  readonly steps: StepRunner;
  readonly state: StateDir;
  readonly clock: Clock;
  readonly logger: AgentLogger;
  readonly defaultStopTimeoutSeconds: number;
  fetchSpec(taskId: string): Promise<ControlResult<TaskSpec>>;
  /** Hands a report to the reporter; `seq` is already on disk. */
  report(taskId: string, seq: number, body: ReportBody): void;
  /** A step found the engine unreachable: reconnect and resync. */
  onRuntimeTrouble(): void;
}

/** A rejected stop is retried after this pause, not in a tight loop. */
const STOP_RETRY_MS = 2_000;

/**
 * Holds the agent's tasks and runs the loop that moves them: an event is
 * folded in by the reducer, the task is saved, and the actions nextActions returns are
 * executed. Evaluation is deferred to a microtask so a burst of events
 * becomes one evaluation, and it runs as soon as anything changes: a new
 * assignment starts at once, not at the next tick.
 */
export class TaskEngine {
  private readonly deps: EngineDependencies;
  private readonly tasks = new Map<string, AgentTask>();
  private readonly scheduled = new Set<string>();
  private readonly fetching = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private runtimeUp = false;
  /** Nothing is started until the control plane has said what should run (after start or a fence). */
  private assignmentsKnown = false;
  /** The desired status of every task the last full assignment list named. */
  private assigned: ReadonlyMap<string, 'RUNNING' | 'STOPPED'> = new Map();

  constructor(deps: EngineDependencies) {
    this.deps = deps;
  }

  get logger(): AgentLogger {
    return this.deps.logger;
  }

  /**
   * Tasks from the state directory. One whose last report was never answered
   * (the agent died with it queued) forgets that it was sent, so it is
   * reported again with the next seq.
   */
  load(tasks: readonly AgentTask[]): void {
    for (const task of tasks) {
      const unanswered = task.answeredSeq < task.seq;
      this.tasks.set(task.taskId, unanswered ? { ...task, reportedFingerprint: undefined } : task);
    }
  }

  get(taskId: string): AgentTask | undefined {
    return this.tasks.get(taskId);
  }

  list(): AgentTask[] {
    return [...this.tasks.values()];
  }

  add(task: AgentTask): void {
    this.tasks.set(task.taskId, task);
    this.deps.state.writeTask(task);
    this.schedule(task.taskId);
  }

  forget(taskId: string): void {
    this.tasks.delete(taskId);
    this.deps.state.deleteTask(taskId);
    this.notify();
  }

  dispatch(taskId: string, event: TaskEvent): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    const next = applyEvent(task, event, this.deps.clock.now());
    this.tasks.set(taskId, next);
    this.deps.state.writeTask(next);
    if (next.status !== task.status)
      this.deps.logger.info('Task status changed', { taskId, from: task.status, to: next.status });
    this.schedule(taskId);
    this.notify();
  }

  setRuntimeUp(up: boolean): void {
    const changed = up !== this.runtimeUp;
    this.runtimeUp = up;
    if (up && changed) this.evaluateAll();
  }

  setAssignmentsKnown(known: boolean): void {
    this.assignmentsKnown = known;
    if (known) this.evaluateAll();
  }

  /** The control plane's full list of this instance's tasks has been applied. */
  setAssigned(desired: ReadonlyMap<string, 'RUNNING' | 'STOPPED'>): void {
    this.assigned = desired;
    this.setAssignmentsKnown(true);
  }

  /** What the control plane wants of a task here (STOPPED if it does not name it); undefined until it has said. */
  assignedStatus(taskId: string): 'RUNNING' | 'STOPPED' | undefined {
    return this.assignmentsKnown ? (this.assigned.get(taskId) ?? 'STOPPED') : undefined;
  }

  /**
   * Asks again for every spec still missing: a fetch that found the control
   * plane unavailable (or the task not yet written) is retried after each
   * poll that gets through, not only when the instance changes.
   */
  retryMissingSpecs(): void {
    for (const task of this.tasks.values()) {
      if (!task.spec && !this.fetching.has(task.taskId)) this.schedule(task.taskId);
    }
  }

  evaluateAll(): void {
    for (const taskId of this.tasks.keys()) this.schedule(taskId);
  }

  /** Resolves once `done` holds, re-checked after every change, or after `timeoutMs`. */
  waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(result);
      };
      this.listeners.add(check);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private schedule(taskId: string): void {
    if (this.scheduled.has(taskId)) return;
    this.scheduled.add(taskId);
    queueMicrotask(() => {
      this.scheduled.delete(taskId);
      const task = this.tasks.get(taskId);
      if (task) for (const action of nextActions(task, task.containers)) this.execute(taskId, action);
    });
  }

  private execute(taskId: string, action: AgentAction): void {
    switch (action.kind) {
      case 'fetch-spec':
        return this.fetchSpec(taskId);
      case 'stop-task':
        return this.dispatch(taskId, {
          type: 'stop-decided',
          ...(action.stopCode ? { stopCode: action.stopCode } : {}),
          ...(action.reason ? { reason: action.reason } : {}),
        });
      case 'abandon':
        return this.dispatch(taskId, { type: 'abandoned', container: action.container });
      case 'report':
        return this.report(taskId);
      default:
        return this.step(taskId, action.container, action.kind);
    }
  }

  private report(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    // Built from the task as it is now, which may be newer than what nextActions saw.
    const body = buildReport(task, task.containers);
    const fingerprint = reportFingerprint(body);
    if (fingerprint === task.reportedFingerprint) return;
    this.dispatch(taskId, { type: 'report-queued', fingerprint });
    this.deps.report(taskId, task.seq + 1, body);
  }

  private step(taskId: string, container: string, step: ContainerStep): void {
    if (!this.runtimeUp) return;
    if (step !== 'stop' && !this.assignmentsKnown) return;
    this.dispatch(taskId, { type: 'step-began', container, step });
    void this.runStep(taskId, container, step);
  }

  private async runStep(taskId: string, name: string, step: ContainerStep): Promise<void> {
    const task = this.tasks.get(taskId);
    const container = task?.containers.find((c) => c.name === name);
    if (!task || !container) return;
    const event = await this.deps.steps.run(task, container, step);
    if (event.type === 'step-deferred') {
      this.deps.logger.warn('The container engine did not answer; the step waits for it', {
        taskId,
        container: name,
        step,
      });
      this.runtimeUp = false;
      this.deps.onRuntimeTrouble();
    }
    if (event.type === 'step-failed') {
      this.deps.logger.warn('Container step failed', { taskId, container: name, step, message: event.message });
      if (step === 'stop') await this.deps.clock.sleep(STOP_RETRY_MS);
    }
    this.dispatch(taskId, event);
  }

  private fetchSpec(taskId: string): void {
    if (!this.assignmentsKnown || this.fetching.has(taskId)) return;
    this.fetching.add(taskId);
    void this.deps.fetchSpec(taskId).then((result) => {
      this.fetching.delete(taskId);
      const task = this.tasks.get(taskId);
      if (!task) return;
      if (result.ok) {
        const containers = containersFromSpec(result.value, this.deps.defaultStopTimeoutSeconds);
        this.dispatch(taskId, { type: 'spec-loaded', spec: result.value, containers });
        if (result.value.desiredStatus === 'STOPPED')
          this.dispatch(taskId, { type: 'desired', desiredStatus: 'STOPPED' });
        return;
      }
      // Unavailable: retried after the next poll that gets through (retryMissingSpecs).
      if (result.failure.kind !== 'rejected') return;
      this.deps.logger.warn('The control plane will not give the task spec; the task is not run here', {
        taskId,
        code: result.failure.code,
        message: result.failure.message,
      });
      if (task.containers.length === 0) this.forget(taskId);
      else this.dispatch(taskId, { type: 'desired', desiredStatus: 'STOPPED' });
    });
  }
}
