import { describe, expect, it } from 'vitest';
import {
  METRICS_BUCKET_MS,
  METRICS_REWRITE_SPACING_MS,
  METRICS_WINDOW_BUCKETS,
  bucketStart,
  foldIntoWindow,
  serviceAverage,
  serviceSums,
} from '#shared/domain/metrics-window.ts';
import type { Assignment } from '#shared/schemas/container-instance.ts';
import type { InstanceMetricsWindow } from '#shared/schemas/metrics-window.ts';
import type { TaskMetrics } from '#shared/schemas/task-metrics.ts';

const assignment = (taskId: string, group: string | undefined, cpu: number, memory: number): Assignment => ({
  taskId,
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
  desiredStatus: 'RUNNING',
  cpu,
  memory,
  ports: [],
  portsUdp: [],
  ...(group !== undefined && { group }),
  assignedAt: 0,
});
const sample = (taskId: string, cpuUsed: number | undefined, memoryUsedMiB: number): TaskMetrics => ({
  taskId,
  ...(cpuUsed !== undefined && { cpuUsed }),
  memoryUsedMiB,
  sampledAt: 0,
});
const assignments = {
  a: assignment('a', 'service:web', 256, 512),
  b: assignment('b', 'service:web', 512, 512),
  c: assignment('c', 'service:api', 0, 128),
  d: assignment('d', 'family:batch', 256, 256),
};
const empty: InstanceMetricsWindow = { clusterName: 'c1', instanceId: 'i1', buckets: [] };
const MINUTE = METRICS_BUCKET_MS;

describe('serviceSums', () => {
  it.each([
    ['a service task', [sample('a', 128, 256)], { web: { cpuSum: 50, cpuCount: 1, memorySum: 50, memoryCount: 1 } }],
    [
      'two tasks of one service',
      [sample('a', 256, 512), sample('b', 256, 128)],
      { web: { cpuSum: 150, cpuCount: 2, memorySum: 125, memoryCount: 2 } },
    ],
    [
      'no cpu rate yet',
      [sample('a', undefined, 512)],
      { web: { cpuSum: 0, cpuCount: 0, memorySum: 100, memoryCount: 1 } },
    ],
    ['no cpu reserved', [sample('c', 100, 64)], { api: { cpuSum: 0, cpuCount: 0, memorySum: 50, memoryCount: 1 } }],
    ['a task of no service', [sample('d', 100, 64)], {}],
    ['a task not assigned here', [sample('zz', 100, 64)], {}],
  ])('%s', (_name, samples, expected) => {
    expect(serviceSums(samples, assignments)).toEqual(expected);
  });
});

describe('foldIntoWindow', () => {
  const sums = { web: { cpuSum: 50, cpuCount: 1, memorySum: 10, memoryCount: 1 } };
  const now = 10 * MINUTE + 5_000;

  const web = (cpuSum: number, cpuCount = 1) => ({ web: { cpuSum, cpuCount, memorySum: 10, memoryCount: cpuCount } });
  const once = foldIntoWindow(empty, now, sums)!;
  const later = now + METRICS_REWRITE_SPACING_MS;

  it('opens a bucket for the minute', () => {
    expect(foldIntoWindow(empty, now, sums)?.buckets).toEqual([{ start: 10 * MINUTE, at: now, services: sums }]);
  });

  it('writes nothing again in the minute while the load holds steady', () => {
    expect(foldIntoWindow(once, now + 30_000, sums)).toBeUndefined();
    expect(foldIntoWindow(once, later, web(55))).toBeUndefined();
  });

  it.each([
    ['the cpu average rose by 15 points', web(65)],
    ['it fell by 10 points', web(40)],
    ['a task more', web(100, 2)],
    ['a service the bucket lacks', { ...sums, api: { cpuSum: 0, cpuCount: 0, memorySum: 5, memoryCount: 1 } }],
  ])("replaces the minute's bucket when %s", (_name, next) => {
    const written = foldIntoWindow(once, later, next);
    expect(written?.buckets).toEqual([{ start: 10 * MINUTE, at: later, services: next }]);
  });

  it('waits out the spacing before a rewrite', () => {
    expect(foldIntoWindow(once, later - 1, web(1600))).toBeUndefined();
  });

  it('counts a share of the value, not noise, as a move at high utilisation', () => {
    const busy = foldIntoWindow(empty, now, web(1600))!;
    expect(foldIntoWindow(busy, later, web(1400))).toBeUndefined();
    expect(foldIntoWindow(busy, later, web(1100))?.buckets[0]?.services).toEqual(web(1100));
  });

  it('keeps a service a poll did not carry', () => {
    const api = { api: { cpuSum: 20, cpuCount: 1, memorySum: 5, memoryCount: 1 } };
    const both = foldIntoWindow(empty, now, { ...sums, ...api })!;
    expect(foldIntoWindow(both, later, {})).toBeUndefined();
    expect(foldIntoWindow(both, later, web(90))?.buckets[0]?.services).toEqual({ ...web(90), ...api });
  });

  it("opens the next minute's bucket at its first samples, whatever the spacing, the past one losing its write time", () => {
    const next = foldIntoWindow(once, 11 * MINUTE, sums);
    expect(next?.buckets).toEqual([
      { start: 10 * MINUTE, services: sums },
      { start: 11 * MINUTE, at: 11 * MINUTE, services: sums },
    ]);
  });

  it('writes nothing for an empty first sample', () => {
    expect(foldIntoWindow(empty, now, {})).toBeUndefined();
  });

  it('keeps only the window', () => {
    let window = empty;
    for (let minute = 0; minute < 9; minute++) window = foldIntoWindow(window, minute * MINUTE, sums) ?? window;
    expect(window.buckets.map((b) => b.start / MINUTE)).toEqual([4, 5, 6, 7, 8]);
    expect(window.buckets).toHaveLength(METRICS_WINDOW_BUCKETS);
  });
});

describe('serviceAverage', () => {
  const bucket = (minute: number, cpuSum: number, cpuCount: number) => ({
    start: minute * MINUTE,
    services: { web: { cpuSum, cpuCount, memorySum: cpuCount * 10, memoryCount: cpuCount } },
  });
  const windows: InstanceMetricsWindow[] = [
    { clusterName: 'c1', instanceId: 'i1', buckets: [bucket(7, 300, 3), bucket(9, 90, 1)] },
    { clusterName: 'c1', instanceId: 'i2', buckets: [bucket(9, 30, 1)] },
  ];
  const now = 9 * MINUTE + 20_000;

  it.each([
    ['the last minute, over both instances', 60, { cpuUtilization: 60, memoryUtilization: 10, samples: 2 }],
    ['three minutes, every sample weighing the same', 180, { cpuUtilization: 84, memoryUtilization: 10, samples: 5 }],
  ])('%s', (_name, seconds, expected) => {
    expect(serviceAverage(windows, 'web', now, seconds)).toEqual(expected);
  });

  it('reads over 60 s the latest minute alone, the load since a change, not the minute before it', () => {
    const loadNow = [{ clusterName: 'c1', instanceId: 'i1', buckets: [bucket(8, 0, 1), bucket(9, 80, 1)] }];
    expect(serviceAverage(loadNow, 'web', now, 60).cpuUtilization).toBe(80);
    expect(serviceAverage(loadNow, 'web', now, 120).cpuUtilization).toBe(40);
  });

  it("lets the minute before stand until the minute's first samples", () => {
    const early = [{ clusterName: 'c1', instanceId: 'i1', buckets: [bucket(8, 70, 1)] }];
    expect(serviceAverage(early, 'web', 9 * MINUTE + 2_000, 60).cpuUtilization).toBe(70);
    expect(serviceAverage(early, 'web', 10 * MINUTE, 60)).toEqual({ samples: 0 });
  });

  it('has no utilisation without samples', () => {
    expect(serviceAverage(windows, 'api', now, 300)).toEqual({ samples: 0 });
  });

  it('bucketStart rounds down to the minute', () => {
    expect(bucketStart(MINUTE * 3 + 59_999)).toBe(MINUTE * 3);
  });
});
