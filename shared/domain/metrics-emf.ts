import type { ServiceAverage } from './metrics-window.ts';

/** Where Berth's service metrics land in CloudWatch. */
export const METRICS_NAMESPACE = 'Berth/ECS';

/**
 * One CloudWatch Embedded Metric Format line for a service's minute: a log
 * line the Lambda runtime ships to CloudWatch Logs, which turns it into the
 * CPUUtilization and MemoryUtilization metrics ECS publishes under the
 * dimensions ClusterName and ServiceName. Undefined without samples: an
 * absent metric is not a zero.
 */
export function serviceMetricsEmf(
  cluster: string,
  service: string,
  average: ServiceAverage,
  timestamp: number,
): string | undefined {
  const metrics: { Name: string; Unit: 'Percent' }[] = [];
  const values: Record<string, number> = {};
  if (average.cpuUtilization !== undefined) {
    metrics.push({ Name: 'CPUUtilization', Unit: 'Percent' });
    values.CPUUtilization = average.cpuUtilization;
  }
  if (average.memoryUtilization !== undefined) {
    metrics.push({ Name: 'MemoryUtilization', Unit: 'Percent' });
    values.MemoryUtilization = average.memoryUtilization;
  }
  if (metrics.length === 0) return undefined;
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        { Namespace: METRICS_NAMESPACE, Dimensions: [['ClusterName', 'ServiceName']], Metrics: metrics },
      ],
    },
    ClusterName: cluster,
    ServiceName: service,
    ...values,
    SampleCount: average.samples,
  });
}
