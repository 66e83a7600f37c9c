import { describe, expect, it } from 'vitest';
import { cpuUnitsUsed, taskSample } from '#shared/agent/task-sample.ts';
import type { ContainerStats } from '#shared/ports/container-runtime.ts';

const stats = (cpuTotalNs: number, systemCpuNs: number, memoryUsedBytes = 0): ContainerStats => ({
  cpuTotalNs,
  systemCpuNs,
  onlineCpus: 2,
  memoryUsedBytes,
  networkRxBytes: 100,
  networkTxBytes: 50,
});

describe('cpuUnitsUsed', () => {
  it.each([
    ['one core busy of two', stats(0, 0), stats(1e9, 2e9), 1024],
    ['idle', stats(5, 0), stats(5, 2e9), 0],
    ['both cores busy', stats(0, 0), stats(2e9, 2e9), 2048],
    ['no earlier reading', undefined, stats(1e9, 2e9), undefined],
    ['counters went backwards (restarted)', stats(5e9, 0), stats(1e9, 2e9), undefined],
    ['no time passed on the host', stats(0, 2e9), stats(1e9, 2e9), undefined],
  ])('%s', (_name, previous, current, expected) => {
    expect(cpuUnitsUsed(previous, current)).toBe(expected);
  });
});

describe('taskSample', () => {
  it('sums its containers and carries the reservation', () => {
    const readings = [
      { previous: stats(0, 0), current: stats(1e9, 2e9, 64 * 1024 * 1024) },
      { previous: stats(0, 0), current: stats(0.5e9, 2e9, 32 * 1024 * 1024) },
    ];
    expect(taskSample('t1', readings, { cpu: 256, memory: 512 }, 7)).toEqual({
      taskId: 't1',
      cpuUsed: 1536,
      memoryUsedMiB: 96,
      networkRxBytes: 200,
      networkTxBytes: 100,
      cpuReserved: 256,
      memoryReservedMiB: 512,
      sampledAt: 7,
    });
  });

  it('gives no cpu rate until every container has one', () => {
    const readings = [{ previous: stats(0, 0), current: stats(1e9, 2e9) }, { current: stats(1e9, 2e9) }];
    expect(taskSample('t1', readings, {}, 7)).not.toHaveProperty('cpuUsed');
  });
});
