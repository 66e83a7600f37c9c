import * as z from 'zod';

/** The longest span a service's averages can cover: the window's five one-minute buckets. */
export const METRICS_WINDOW_SECONDS_MAX = 300;

/** Sums of per-task utilisation samples (percent of the reservation) for one service in one bucket. */
export const serviceBucket = z.object({
  cpuSum: z.number().nonnegative(),
  cpuCount: z.number().int().nonnegative(),
  memorySum: z.number().nonnegative(),
  memoryCount: z.number().int().nonnegative(),
});
export type ServiceBucket = z.infer<typeof serviceBucket>;

export const metricsBucket = z.object({
  /** Epoch milliseconds at the start of the bucket's minute. */
  start: z.number().int().nonnegative(),
  /** Epoch milliseconds of the bucket's last write; absent on items written before buckets could be rewritten. */
  at: z.number().int().nonnegative().optional(),
  services: z.record(z.string(), serviceBucket),
});
export type MetricsBucket = z.infer<typeof metricsBucket>;

/**
 * An instance's rolling window of its tasks' utilisation, per service. One
 * item per instance, written by that instance's polls only: once a minute
 * while the load holds steady, and again (at most every 10 s) when it moves,
 * so it sees no contention (shared/domain/metrics-window.ts).
 */
export const instanceMetricsWindow = z.object({
  clusterName: z.string(),
  instanceId: z.string(),
  buckets: z.array(metricsBucket),
});
export type InstanceMetricsWindow = z.infer<typeof instanceMetricsWindow>;
