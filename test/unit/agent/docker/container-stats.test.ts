import { describe, expect, it } from 'vitest';
import { toContainerStats } from '#agent/docker/container-stats.ts';
import { containerStatsResponse } from '#agent/docker/docker-schemas.ts';
import { safeParse } from '#agent/check/check.ts';

const parse = (body: unknown) => {
  const parsed = safeParse(containerStatsResponse, body);
  if (!parsed.success) throw new Error(parsed.error.message);
  return toContainerStats(parsed.data);
};
const cpu = { cpu_usage: { total_usage: 5e9 }, system_cpu_usage: 9e11, online_cpus: 4 };

describe('toContainerStats', () => {
  it.each([
    ['cgroup v2: usage less inactive_file', { usage: 100_000, stats: { inactive_file: 30_000, file: 50_000 } }, 70_000],
    [
      'cgroup v1: usage less total_inactive_file',
      { usage: 100_000, stats: { total_inactive_file: 10_000, cache: 40_000 } },
      90_000,
    ],
    ['older engines: usage less cache', { usage: 100_000, stats: { cache: 40_000 } }, 60_000],
    ['no breakdown', { usage: 100_000 }, 100_000],
  ])('%s', (_name, memory_stats, used) => {
    expect(parse({ cpu_stats: cpu, memory_stats })?.memoryUsedBytes).toBe(used);
  });

  it('sums every network and keeps the cpu counters', () => {
    const networks = { eth0: { rx_bytes: 10, tx_bytes: 1 }, eth1: { rx_bytes: 5, tx_bytes: 2 } };
    expect(parse({ cpu_stats: cpu, memory_stats: { usage: 1 }, networks })).toEqual({
      cpuTotalNs: 5e9,
      systemCpuNs: 9e11,
      onlineCpus: 4,
      memoryUsedBytes: 1,
      networkRxBytes: 15,
      networkTxBytes: 3,
    });
  });

  it('has nothing for a stopped container', () => {
    expect(
      parse({ read: '0001-01-01T00:00:00Z', cpu_stats: { cpu_usage: { total_usage: 0 } }, memory_stats: {} }),
    ).toBeUndefined();
  });
});
