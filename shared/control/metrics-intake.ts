import { instanceMetricsWindows } from '../domain/collections.ts';
import { METRICS_REWRITE_SPACING_MS, bucketStart, foldIntoWindow, serviceSums } from '../domain/metrics-window.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { TaskMetrics } from '../schemas/task-metrics.ts';
import type { ControlContext } from './context.ts';

/** A window item outlives its instance by a day, then the table drops it. */
const WINDOW_EXPIRY_SECONDS = 24 * 3600;

/**
 * When each instance's window was last read, per store: a poll of the same
 * minute within the rewrite spacing of it skips even the read, which bounds
 * the reads as the spacing bounds the writes. Only a saving; the item's own buckets decide.
 */
const lastRead = new WeakMap<object, Map<string, number>>();

/**
 * Folds the task samples a poll carried into the instance's metrics window:
 * a write at the minute's first samples and when the load moves, at most one
 * per instance per spacing, whatever the poll rate. A lost race means
 * another poll of the same instance wrote just now, which is as good.
 */
export async function recordMetrics(
  ctx: ControlContext,
  instance: ContainerInstance,
  metrics: readonly TaskMetrics[],
): Promise<void> {
  const now = ctx.clock.now();
  const seen = lastRead.get(ctx.store) ?? new Map<string, number>();
  lastRead.set(ctx.store, seen);
  const memo = `${instance.clusterName}#${instance.id}`;
  const last = seen.get(memo);
  if (last !== undefined && bucketStart(last) === bucketStart(now) && now - last < METRICS_REWRITE_SPACING_MS) return;
  const key = instanceMetricsWindows.key(instance.clusterName, instance.id);
  const current = await ctx.store.get(instanceMetricsWindows, key);
  const window = current?.value ?? { clusterName: instance.clusterName, instanceId: instance.id, buckets: [] };
  const next = foldIntoWindow(window, now, serviceSums(metrics, instance.assignments));
  seen.set(memo, now);
  if (!next) return;
  const options = { expiresAt: Math.floor(now / 1000) + WINDOW_EXPIRY_SECONDS };
  await (current
    ? ctx.store.tryReplace(instanceMetricsWindows, next, current.version, options)
    : ctx.store.tryCreate(instanceMetricsWindows, next, options));
}
