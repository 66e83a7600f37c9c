import { allWindows } from '#shared/control/service-metrics.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { serviceMetricsEmf } from '#shared/domain/metrics-emf.ts';
import { minuteAverages } from '#shared/domain/metrics-minute.ts';
import { METRICS_BUCKET_MS, bucketStart } from '#shared/domain/metrics-window.ts';

/**
 * One CloudWatch EMF line per service for the last complete minute: the
 * monitor runs once a minute, so each minute is reported once. Lines are
 * written raw (`write`), as CloudWatch Logs reads EMF only from a line that
 * is the JSON document itself.
 */
export async function emitServiceMetrics(
  ctx: ControlContext,
  clusters: readonly string[],
  write: (line: string) => void,
): Promise<number> {
  const minute = bucketStart(ctx.clock.now()) - METRICS_BUCKET_MS;
  let lines = 0;
  for (const cluster of clusters) {
    for (const [service, average] of minuteAverages(await allWindows(ctx, cluster), minute)) {
      const line = serviceMetricsEmf(cluster, service, average, minute);
      if (line === undefined) continue;
      write(line);
      lines++;
    }
  }
  return lines;
}
