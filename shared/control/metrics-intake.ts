import { instanceMetricsWindows } from '../domain/collections.ts';
import { bucketStart, foldIntoWindow, serviceSums } from '../domain/metrics-window.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { TaskMetrics } from '../schemas/task-metrics.ts';
import type { ControlContext } from './context.ts';

/** A window item outlives its instance by a day, then the table drops it. */
const WINDOW_EXPIRY_SECONDS = 24 * 3600;

/**
 * The minute each instance last wrote, per store: a poll in a minute already
 * written skips even the read. Only a saving; the item's own buckets decide.
 */
const lastWritten = new WeakMap<object, Map<string, number>>();

/**
 * Folds the task samples a poll carried into the instance's metrics window:
 * at most one write per instance per minute, whatever the poll rate. A lost
 * race means another poll of the same instance wrote this minute already,
 * which is all that was wanted.
 */
export async function recordMetrics(
  ctx: ControlContext,
  instance: ContainerInstance,
  metrics: readonly TaskMetrics[],
): Promise<void> {
  const now = ctx.clock.now();
  const seen = lastWritten.get(ctx.store) ?? new Map<string, number>();
  lastWritten.set(ctx.store, seen);
  const memo = `${instance.clusterName}#${instance.id}`;
  if (seen.get(memo) === bucketStart(now)) return;
  const key = instanceMetricsWindows.key(instance.clusterName, instance.id);
  const current = await ctx.store.get(instanceMetricsWindows, key);
  const window = current?.value ?? { clusterName: instance.clusterName, instanceId: instance.id, buckets: [] };
  const next = foldIntoWindow(window, now, serviceSums(metrics, instance.assignments));
  seen.set(memo, bucketStart(now));
  if (!next) return;
  const options = { expiresAt: Math.floor(now / 1000) + WINDOW_EXPIRY_SECONDS };
  await (current
    ? ctx.store.tryReplace(instanceMetricsWindows, next, current.version, options)
    : ctx.store.tryCreate(instanceMetricsWindows, next, options));
}
