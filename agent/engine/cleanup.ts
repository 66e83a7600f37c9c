import type { AgentTask } from '#shared/agent/task-model.ts';
import type { ContainerRuntime } from '#shared/ports/container-runtime.ts';
import { taskNetworkName } from '#shared/agent/task-network.ts';
import type { TaskEngine } from './task-engine.ts';
import { removeOrphanNetworks } from './network-sweep.ts';

/**
 * Removes the containers of tasks that stopped more than `delayMs` ago and
 * that nothing holds (`held`: the last report not yet handed over, or
 * output the log shipper has not read to its end, which a removal would
 * take with it). Only containers the agent recorded as its own are
 * touched; a failed removal is tried again on the next sweep.
 */
export async function removeStoppedTasks(
  engine: TaskEngine,
  runtime: ContainerRuntime,
  options: { readonly now: number; readonly delayMs: number; readonly held: (task: AgentTask) => boolean },
): Promise<void> {
  for (const task of engine.list()) {
    if (task.status !== 'STOPPED' || task.removedAt !== undefined) continue;
    if ((task.executionStoppedAt ?? 0) + options.delayMs > options.now) continue;
    if (options.held(task)) continue;
    let removed = true;
    for (const c of task.containers) {
      if (!c.runtimeId) continue;
      const result = await runtime.removeContainer(c.runtimeId);
      if (!result.ok) {
        engine.logger.warn('Could not remove a stopped container; will try again', {
          taskId: task.taskId,
          container: c.name,
          message: result.failure.message,
        });
        removed = false;
      }
    }
    // The network goes after its last container; a task of another mode has none, and a 404 is not an error.
    if (removed) removed = await removeTaskNetwork(engine, runtime, task.taskId);
    if (removed) {
      engine.logger.info('Removed the containers of a stopped task', { taskId: task.taskId });
      engine.dispatch(task.taskId, { type: 'removed' });
    }
  }
}

async function removeTaskNetwork(engine: TaskEngine, runtime: ContainerRuntime, taskId: string): Promise<boolean> {
  const result = await runtime.removeNetwork(taskNetworkName(taskId));
  if (!result.ok) {
    engine.logger.warn("Could not remove a stopped task's network; will try again", {
      taskId,
      message: result.failure.message,
    });
  }
  return result.ok;
}

export interface CleanupSweepOptions {
  readonly engine: TaskEngine;
  readonly runtime: ContainerRuntime;
  readonly now: () => number;
  /** How long a stopped task's containers stay; the sweep runs at most a minute and at least a second apart. */
  readonly delayMs: number;
  /** A stopped task whose containers must stay a while longer (see removeStoppedTasks). */
  readonly held: (task: AgentTask) => boolean;
  /** While true (the instance was deregistered), containers are left as they are. */
  readonly paused: () => boolean;
  /** The labels of this agent's task networks; those of tasks it no longer runs are swept. */
  readonly networks?: () => Readonly<Record<string, string>>;
}

/** Runs removeStoppedTasks on a timer, one sweep at a time; the timer keeps no process alive. */
export class CleanupSweep {
  private readonly options: CleanupSweepOptions;
  private timer: ReturnType<typeof setInterval> | undefined;
  private sweeping = false;

  constructor(options: CleanupSweepOptions) {
    this.options = options;
  }

  start(): void {
    const { delayMs } = this.options;
    this.timer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1_000, delayMs)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sweep(): void {
    const { engine, runtime, now, delayMs, held, paused } = this.options;
    if (this.sweeping || paused()) return;
    this.sweeping = true;
    void removeStoppedTasks(engine, runtime, { now: now(), delayMs, held })
      .then(() => this.sweepNetworks())
      .finally(() => {
        this.sweeping = false;
      });
  }

  private async sweepNetworks(): Promise<void> {
    const { engine, runtime, networks } = this.options;
    if (!networks) return;
    const live = new Set(engine.list().flatMap((t) => (t.removedAt === undefined ? [t.taskId] : [])));
    await removeOrphanNetworks(runtime, networks(), live, engine.logger);
  }
}
