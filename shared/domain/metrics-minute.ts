import type { InstanceMetricsWindow, ServiceBucket } from '../schemas/metrics-window.ts';
import type { ServiceAverage } from './metrics-window.ts';

/**
 * Every service's averages in one minute's bucket, summed over the
 * instances: what one EMF line per service per minute reports.
 */
export function minuteAverages(
  windows: readonly InstanceMetricsWindow[],
  minuteStart: number,
): Map<string, ServiceAverage> {
  const totals = new Map<string, ServiceBucket>();
  for (const bucket of windows.flatMap((w) => w.buckets).filter((b) => b.start === minuteStart)) {
    for (const [service, sums] of Object.entries(bucket.services)) {
      const total = totals.get(service) ?? { cpuSum: 0, cpuCount: 0, memorySum: 0, memoryCount: 0 };
      totals.set(service, {
        cpuSum: total.cpuSum + sums.cpuSum,
        cpuCount: total.cpuCount + sums.cpuCount,
        memorySum: total.memorySum + sums.memorySum,
        memoryCount: total.memoryCount + sums.memoryCount,
      });
    }
  }
  const averages = new Map<string, ServiceAverage>();
  for (const [service, t] of totals) {
    averages.set(service, {
      ...(t.cpuCount > 0 && { cpuUtilization: t.cpuSum / t.cpuCount }),
      ...(t.memoryCount > 0 && { memoryUtilization: t.memorySum / t.memoryCount }),
      samples: Math.max(t.cpuCount, t.memoryCount),
    });
  }
  return averages;
}
