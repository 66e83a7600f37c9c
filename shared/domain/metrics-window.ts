import type { Assignment } from '../schemas/container-instance.ts';
import {
  METRICS_WINDOW_SECONDS_MAX,
  type InstanceMetricsWindow,
  type MetricsBucket,
  type ServiceBucket,
} from '../schemas/metrics-window.ts';
import type { TaskMetrics } from '../schemas/task-metrics.ts';

/** CloudWatch's finest standard resolution for ECS service metrics. */
export const METRICS_BUCKET_MS = 60_000;
/** How far back the window reaches: the longest period auto scaling reads here. */
export const METRICS_WINDOW_BUCKETS = METRICS_WINDOW_SECONDS_MAX / 60;

const SERVICE_GROUP = 'service:';

export function bucketStart(now: number): number {
  return now - (now % METRICS_BUCKET_MS);
}

/**
 * Per service, the sums of its tasks' utilisation (used / reserved x 100),
 * as ECS computes CPUUtilization and MemoryUtilization. Only tasks assigned
 * to this instance and started by a service count; the reservation is the
 * assignment's, the control plane's own record, not what the agent says.
 */
export function serviceSums(
  metrics: readonly TaskMetrics[],
  assignments: Readonly<Record<string, Assignment>>,
): Record<string, ServiceBucket> {
  const sums: Record<string, ServiceBucket> = {};
  for (const sample of metrics) {
    const assignment = assignments[sample.taskId];
    if (!assignment?.group?.startsWith(SERVICE_GROUP)) continue;
    const service = assignment.group.slice(SERVICE_GROUP.length);
    const sum = (sums[service] ??= { cpuSum: 0, cpuCount: 0, memorySum: 0, memoryCount: 0 });
    if (sample.cpuUsed !== undefined && assignment.cpu > 0) {
      sum.cpuSum += (sample.cpuUsed / assignment.cpu) * 100;
      sum.cpuCount += 1;
    }
    if (assignment.memory > 0) {
      sum.memorySum += (sample.memoryUsedMiB / assignment.memory) * 100;
      sum.memoryCount += 1;
    }
  }
  return sums;
}

/**
 * A poll's sums folded into the instance's window: a new bucket when the
 * minute has none yet, else nothing (`undefined`: no write). Keeping the
 * minute's first sample per task, rather than rewriting the item on every
 * poll, is what holds the cost to one write per agent-minute.
 */
export function foldIntoWindow(
  window: InstanceMetricsWindow,
  now: number,
  sums: Record<string, ServiceBucket>,
): InstanceMetricsWindow | undefined {
  const start = bucketStart(now);
  if (window.buckets.some((b) => b.start === start)) return undefined;
  if (Object.keys(sums).length === 0 && window.buckets.length === 0) return undefined;
  const oldest = start - (METRICS_WINDOW_BUCKETS - 1) * METRICS_BUCKET_MS;
  const kept = window.buckets.filter((b) => b.start >= oldest && b.start < start);
  return { ...window, buckets: [...kept, { start, services: sums }] };
}

export interface ServiceAverage {
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
  readonly samples: number;
}

/** A service's average utilisation over the buckets of every instance's window that start within the last `windowSeconds`. */
export function serviceAverage(
  windows: readonly InstanceMetricsWindow[],
  service: string,
  now: number,
  windowSeconds: number,
): ServiceAverage {
  const since = bucketStart(now - windowSeconds * 1000);
  const total: ServiceBucket = { cpuSum: 0, cpuCount: 0, memorySum: 0, memoryCount: 0 };
  for (const bucket of windows.flatMap((w) => w.buckets)) {
    const sums = bucketFor(bucket, service, since);
    if (!sums) continue;
    total.cpuSum += sums.cpuSum;
    total.cpuCount += sums.cpuCount;
    total.memorySum += sums.memorySum;
    total.memoryCount += sums.memoryCount;
  }
  return {
    ...(total.cpuCount > 0 && { cpuUtilization: total.cpuSum / total.cpuCount }),
    ...(total.memoryCount > 0 && { memoryUtilization: total.memorySum / total.memoryCount }),
    samples: Math.max(total.cpuCount, total.memoryCount),
  };
}

function bucketFor(bucket: MetricsBucket, service: string, since: number): ServiceBucket | undefined {
  return bucket.start >= since ? bucket.services[service] : undefined;
}
