import type { ServiceAverage } from './metrics-window.ts';

/** Where Berth's service metrics land in CloudWatch. */
export const METRICS_NAMESPACE = 'Berth/ECS';

/** The CloudWatch units Berth's metrics use. */
export type EmfUnit = 'Count' | 'Milliseconds' | 'Percent';

/** One metric of an EMF document: a value, or several (CloudWatch takes up to 100 values a metric a line). */
export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  readonly value: number | readonly number[];
}

/**
 * One CloudWatch Embedded Metric Format document, the single writer of every
 * EMF line Berth emits: the metrics under one namespace with one dimension
 * set (empty for none), plus properties CloudWatch keeps in the log but does
 * not turn into metrics. CloudWatch Logs reads it only from a line that is
 * the JSON document itself.
 */
export function emfLine(
  namespace: string,
  dimensions: Readonly<Record<string, string>>,
  metrics: readonly EmfMetric[],
  timestamp: number,
  properties: Readonly<Record<string, unknown>> = {},
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: metrics.map((metric) => ({ Name: metric.name, Unit: metric.unit })),
        },
      ],
    },
    ...dimensions,
    ...properties,
    ...Object.fromEntries(metrics.map((metric) => [metric.name, metric.value])),
  });
}

/**
 * A service's minute as an EMF line: CloudWatch turns it into the
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
  const metrics: EmfMetric[] = [];
  if (average.cpuUtilization !== undefined)
    metrics.push({ name: 'CPUUtilization', unit: 'Percent', value: average.cpuUtilization });
  if (average.memoryUtilization !== undefined)
    metrics.push({ name: 'MemoryUtilization', unit: 'Percent', value: average.memoryUtilization });
  if (metrics.length === 0) return undefined;
  return emfLine(METRICS_NAMESPACE, { ClusterName: cluster, ServiceName: service }, metrics, timestamp, {
    SampleCount: average.samples,
  });
}
