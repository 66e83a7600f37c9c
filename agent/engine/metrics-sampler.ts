import { taskSample, type ContainerReading } from '#shared/agent/task-sample.ts';
import type { AgentTask } from '#shared/agent/task-model.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ContainerRuntime, ContainerStats } from '#shared/ports/container-runtime.ts';
import type { TaskMetrics } from '#shared/schemas/task-metrics.ts';

export interface MetricsSamplerOptions {
  readonly runtime: ContainerRuntime;
  readonly tasks: () => readonly AgentTask[];
  readonly clock: Clock;
  /** Between samples; 0 turns sampling off. */
  readonly intervalMs: number;
}

/**
 * Reads every running task's containers through the engine's stats, one
 * container at a time (each call under the runtime's deadline), and keeps
 * the last reading per container (for the next cpu rate) and the last
 * sample per task (for the next poll). Nothing else is kept: at 50 tasks
 * that is a few kilobytes.
 */
export class MetricsSampler {
  private readonly options: MetricsSamplerOptions;
  private readonly readings = new Map<string, ContainerStats>();
  private pending = new Map<string, TaskMetrics>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: MetricsSamplerOptions) {
    this.options = options;
  }

  start(): void {
    if (this.options.intervalMs <= 0 || !this.options.runtime.containerStats) return;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The samples taken since the last poll, handed over once: a poll carries each sample at most once. */
  take(): TaskMetrics[] | undefined {
    if (this.pending.size === 0) return undefined;
    const taken = [...this.pending.values()];
    this.pending = new Map();
    return taken;
  }

  /** One round over the running tasks; exposed for tests. */
  async sample(): Promise<void> {
    const seen = new Set<string>();
    for (const task of this.options.tasks()) {
      if (task.status !== 'RUNNING' || task.desiredStatus !== 'RUNNING') continue;
      const readings = await this.readTask(task, seen);
      if (readings.length === 0) continue;
      const reserved = { cpu: task.spec?.cpu, memory: task.spec?.memory };
      const sample = taskSample(task.taskId, readings, reserved, this.options.clock.now());
      // A task's first round has no cpu rate yet; the control plane keeps one sample a minute, so it waits for one that does.
      if (sample.cpuUsed !== undefined) this.pending.set(task.taskId, sample);
    }
    // Containers gone since the last round leave nothing behind.
    for (const id of this.readings.keys()) if (!seen.has(id)) this.readings.delete(id);
  }

  private async readTask(task: AgentTask, seen: Set<string>): Promise<ContainerReading[]> {
    const readings: ContainerReading[] = [];
    for (const container of task.containers) {
      if (container.status !== 'RUNNING' || container.runtimeId === undefined) continue;
      const answer = await this.options.runtime.containerStats?.(container.runtimeId);
      if (!answer?.ok || !answer.value) continue;
      const previous = this.readings.get(container.runtimeId);
      this.readings.set(container.runtimeId, answer.value);
      seen.add(container.runtimeId);
      readings.push({ ...(previous && { previous }), current: answer.value });
    }
    return readings;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sample().finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
