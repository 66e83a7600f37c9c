import type { ContainerStats } from '../ports/container-runtime.ts';
import type { TaskMetrics } from '../schemas/task-metrics.ts';

/** Cpu units in one core, as ECS counts them. */
const UNITS_PER_CORE = 1024;
const MIB = 1024 * 1024;

/**
 * Cpu units a container used between two readings: its share of the host's
 * cpu time over the interval, times the host's cores, times 1024. Undefined
 * without an earlier reading, or when the counters went backwards (a restart).
 */
export function cpuUnitsUsed(previous: ContainerStats | undefined, current: ContainerStats): number | undefined {
  if (!previous) return undefined;
  const used = current.cpuTotalNs - previous.cpuTotalNs;
  const elapsed = current.systemCpuNs - previous.systemCpuNs;
  if (used < 0 || elapsed <= 0) return undefined;
  return (used / elapsed) * current.onlineCpus * UNITS_PER_CORE;
}

export interface ContainerReading {
  readonly previous?: ContainerStats;
  readonly current: ContainerStats;
}

/** A task's sample: its containers' readings summed, its reservation from the spec. */
export function taskSample(
  taskId: string,
  readings: readonly ContainerReading[],
  reserved: { readonly cpu?: number; readonly memory?: number },
  sampledAt: number,
): TaskMetrics {
  const cpu = readings.map((r) => cpuUnitsUsed(r.previous, r.current));
  const known = cpu.filter((c): c is number => c !== undefined);
  return {
    taskId,
    // Only a rate for every container is the task's rate; a container's first reading leaves it out for now.
    ...(known.length === readings.length && known.length > 0 && { cpuUsed: round(sum(known)) }),
    memoryUsedMiB: round(sum(readings.map((r) => r.current.memoryUsedBytes)) / MIB),
    networkRxBytes: sum(readings.map((r) => r.current.networkRxBytes)),
    networkTxBytes: sum(readings.map((r) => r.current.networkTxBytes)),
    ...(reserved.cpu !== undefined && { cpuReserved: reserved.cpu }),
    ...(reserved.memory !== undefined && { memoryReservedMiB: reserved.memory }),
    sampledAt,
  };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const round = (value: number) => Math.round(value * 100) / 100;
