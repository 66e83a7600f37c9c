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
 * The least time between two writes of one instance's current bucket: a
 * bound on its writes (six a minute) while its load moves.
 */
export const METRICS_REWRITE_SPACING_MS = 10_000;
/** A service's average moved materially: by this many points of utilisation... */
const MATERIAL_POINTS = 10;
/** ...and by this share of the smaller value, so noise at 1600 % is not a change. */
const MATERIAL_SHARE = 0.25;

/**
 * A poll's sums folded into the instance's window: a new bucket when the
 * minute has none yet; when it has one written at least the spacing ago,
 * the poll's services replace theirs in it if any differs materially (a
 * service the bucket lacks, a task more or fewer, an average moved); else
 * nothing (`undefined`: no write). A service the poll does not carry keeps
 * its sums, so a poll with part of the samples cannot take a service out of
 * the minute. The bucket keeps one sample per task, the minute's latest
 * material one: a change of load reaches the store within a poll and the
 * spacing, not at the next minute, and a steady load still costs one write
 * per agent-minute.
 */
export function foldIntoWindow(
  window: InstanceMetricsWindow,
  now: number,
  sums: Record<string, ServiceBucket>,
  spacingMs: number = METRICS_REWRITE_SPACING_MS,
): InstanceMetricsWindow | undefined {
  const start = bucketStart(now);
  const current = window.buckets.find((b) => b.start === start);
  if (current && !(now - (current.at ?? start) >= spacingMs && moved(current.services, sums))) return undefined;
  if (Object.keys(sums).length === 0 && window.buckets.length === 0) return undefined;
  const oldest = start - (METRICS_WINDOW_BUCKETS - 1) * METRICS_BUCKET_MS;
  // A past minute's write time spaces nothing any more: dropping it keeps the item under a write unit longer.
  const kept = window.buckets.filter((b) => b.start >= oldest && b.start < start).map(({ at: _at, ...b }) => b);
  return { ...window, buckets: [...kept, { start, at: now, services: { ...current?.services, ...sums } }] };
}

/** Whether a poll's sums tell the evaluation something the stored bucket does not. */
export function moved(stored: Record<string, ServiceBucket>, next: Record<string, ServiceBucket>): boolean {
  for (const [name, b] of Object.entries(next)) {
    const a = stored[name];
    if (!a || a.cpuCount !== b.cpuCount || a.memoryCount !== b.memoryCount) return true;
    if (apart(a.cpuSum, a.cpuCount, b.cpuSum) || apart(a.memorySum, a.memoryCount, b.memorySum)) return true;
  }
  return false;
}

/** Two sums over the same count whose averages differ materially. */
function apart(a: number, count: number, b: number): boolean {
  if (count === 0) return false;
  const [x, y] = [a / count, b / count];
  return Math.abs(x - y) >= Math.max(MATERIAL_POINTS, MATERIAL_SHARE * Math.min(x, y));
}

export interface ServiceAverage {
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
  readonly samples: number;
}

/**
 * A service's average utilisation over the last `windowSeconds`, each
 * sample weighing the same: from every instance's window, the newest
 * `windowSeconds / 60` (rounded up) of the minutes that overlap it and
 * sampled the service, one sample per task each, the minute's latest
 * material one. Over 60 s that is the latest minute alone: its bucket
 * follows the load within seconds, where adding the minute before it (as
 * rounding the window out to whole minutes did) would weigh a load from
 * before a change as much as the load since, and could hold a load above
 * the target below it for a further minute. Until a minute's first poll,
 * the minute before stands.
 */
export function serviceAverage(
  windows: readonly InstanceMetricsWindow[],
  service: string,
  now: number,
  windowSeconds: number,
): ServiceAverage {
  const since = now - windowSeconds * 1000;
  const minutes = Math.ceil((windowSeconds * 1000) / METRICS_BUCKET_MS);
  const total: ServiceBucket = { cpuSum: 0, cpuCount: 0, memorySum: 0, memoryCount: 0 };
  for (const window of windows) {
    for (const sums of newestSums(window.buckets, service, since, minutes)) {
      total.cpuSum += sums.cpuSum;
      total.cpuCount += sums.cpuCount;
      total.memorySum += sums.memorySum;
      total.memoryCount += sums.memoryCount;
    }
  }
  return {
    ...(total.cpuCount > 0 && { cpuUtilization: total.cpuSum / total.cpuCount }),
    ...(total.memoryCount > 0 && { memoryUtilization: total.memorySum / total.memoryCount }),
    samples: Math.max(total.cpuCount, total.memoryCount),
  };
}

/** The service's sums in the newest `count` buckets whose minute ends after `since`. */
function newestSums(buckets: readonly MetricsBucket[], service: string, since: number, count: number): ServiceBucket[] {
  return buckets
    .filter((b) => b.start + METRICS_BUCKET_MS > since && b.services[service] !== undefined)
    .sort((x, y) => y.start - x.start)
    .slice(0, count)
    .map((b) => b.services[service]!);
}
