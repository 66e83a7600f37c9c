import { describe, expect, it } from 'vitest';
import { MetricsSampler } from '#agent/engine/metrics-sampler.ts';
import type { ContainerRuntime, ContainerStats } from '#shared/ports/container-runtime.ts';
import type { AgentTask } from '#shared/agent/task-model.ts';
import { aContainer, aTask } from '#test/unit/shared/agent/fixtures.ts';

/** A runtime whose only answer is stats: each container's cpu counter advances 0.5 s per 2 s of host time on 2 cpus. */
function statsRuntime(): { runtime: ContainerRuntime; calls: string[] } {
  const calls: string[] = [];
  const rounds = new Map<string, number>();
  const containerStats = (id: string) => {
    calls.push(id);
    const round = rounds.get(id) ?? 0;
    rounds.set(id, round + 1);
    const value: ContainerStats = {
      cpuTotalNs: round * 0.5e9,
      systemCpuNs: round * 2e9,
      onlineCpus: 2,
      memoryUsedBytes: 8 * 1024 * 1024,
      networkRxBytes: 1,
      networkTxBytes: 2,
    };
    return Promise.resolve({ ok: true as const, value });
  };
  return { runtime: { containerStats } as unknown as ContainerRuntime, calls };
}

const running = (taskId: string, runtimeId: string): AgentTask =>
  aTask([aContainer({ status: 'RUNNING', runtimeId })], { taskId, status: 'RUNNING' });

const samplerOver = (runtime: ContainerRuntime, tasks: readonly AgentTask[]) =>
  new MetricsSampler({ runtime, tasks: () => tasks, clock: { now: () => 7 } as never, intervalMs: 1 });

describe('MetricsSampler', () => {
  it('sends a task once it has a cpu rate, and each sample once', async () => {
    const { runtime } = statsRuntime();
    const tasks = [running('t1', 'c1')];
    const sampler = samplerOver(runtime, tasks);
    await sampler.sample();
    expect(sampler.take()).toBeUndefined();
    await sampler.sample();
    expect(sampler.take()).toEqual([expect.objectContaining({ taskId: 't1', cpuUsed: 512, memoryUsedMiB: 8 })]);
    expect(sampler.take()).toBeUndefined();
  });

  it('reads only running containers of running tasks', async () => {
    const { runtime, calls } = statsRuntime();
    const tasks = [
      running('t1', 'c1'),
      aTask([aContainer({ status: 'STOPPED', runtimeId: 'c2' })], { taskId: 't2', status: 'RUNNING' }),
      aTask([aContainer({ status: 'RUNNING', runtimeId: 'c3' })], { taskId: 't3', status: 'PENDING' }),
    ];
    const sampler = samplerOver(runtime, tasks);
    await sampler.sample();
    expect(calls).toEqual(['c1']);
  });
});
