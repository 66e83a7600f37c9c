import { describe, expect, it } from 'vitest';
import { minuteAverages } from '#shared/domain/metrics-minute.ts';
import type { InstanceMetricsWindow } from '#shared/schemas/metrics-window.ts';

const sums = (cpuSum: number, cpuCount: number) => ({
  cpuSum,
  cpuCount,
  memorySum: 10 * cpuCount,
  memoryCount: cpuCount,
});
const windows: InstanceMetricsWindow[] = [
  {
    clusterName: 'c',
    instanceId: 'i1',
    buckets: [
      { start: 0, services: { web: sums(500, 1) } },
      { start: 60_000, services: { web: sums(100, 2), api: sums(0, 0) } },
    ],
  },
  { clusterName: 'c', instanceId: 'i2', buckets: [{ start: 60_000, services: { web: sums(80, 2) } }] },
];

describe('minuteAverages', () => {
  it('sums one minute over every instance, other minutes left out', () => {
    const averages = minuteAverages(windows, 60_000);
    expect(averages.get('web')).toEqual({ cpuUtilization: 45, memoryUtilization: 10, samples: 4 });
    expect(averages.get('api')).toEqual({ samples: 0 });
  });

  it('is empty for a minute without buckets', () => {
    expect(minuteAverages(windows, 120_000).size).toBe(0);
  });
});
