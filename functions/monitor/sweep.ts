import { clusters } from '#shared/domain/collections.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { leaseExpired, readPulse, recordSweep } from '#shared/control/availability.ts';
import { disconnectInstance } from '#shared/control/disconnect.ts';
import { readAll } from '#shared/control/listing.ts';
import { evaluateScaling, type ScalingMetricSource } from '#shared/control/scaling-evaluation.ts';
import { serviceMetrics } from '#shared/control/service-metrics.ts';
import { finishDeletions } from '#shared/control/task-definition-deletion.ts';
import type { Logger } from '../runtime/logger.ts';
import { fleetSilence, readFleetLeases } from './fleet-leases.ts';
import { scaleCapacityLogged } from './capacity.ts';

export interface SweepOutcome {
  readonly clusters: number;
  readonly disconnected: number;
  /** Services whose desired count a scaling policy changed (docs/scaling.md). */
  readonly scaled: number;
  /** The clusters swept, for what runs after the sweep. */
  readonly activeClusters: readonly string[];
}

/**
 * The monitor's periodic pass: it stamps the control plane's pulse (a
 * sweep after a gap, or one that finds every agent silent, restarts every
 * lease's clock: shared/control/availability.ts), declares disconnected
 * every instance whose lease has run out on that clock (its tasks lost and
 * replaced, its agent fenced), and queues every active cluster for a
 * reconcile, so a lost queue message is healed within a sweep.
 */
export async function sweep(
  ctx: ControlContext,
  logger: Logger,
  metrics: ScalingMetricSource = serviceMetrics,
): Promise<SweepOutcome> {
  const all = await readAll(ctx.store, clusters, clusters.partition());
  const active = all.filter((c) => c.value.status === 'ACTIVE').map((c) => c.value.clusterName);
  const now = ctx.clock.now();
  const ttl = ctx.settings.heartbeatTtlMs;
  const [views, before] = await Promise.all([readFleetLeases(ctx, active), readPulse(ctx)]);
  const pulse = await recordSweep(ctx, now, fleetSilence(views, before, now, ttl));
  if (pulse.upSince !== before?.upSince) {
    logger.warn('lease clocks restarted: every agent has a full TTL to renew', {
      reason: pulse.reason,
      upSince: pulse.upSince,
    });
  }
  let disconnected = 0;
  for (const view of views) {
    if (!view.fenced && !leaseExpired(view.heard, pulse, now, ttl)) continue;
    if (await disconnectInstance(ctx, view.cluster, view.instanceId)) {
      disconnected++;
      logger.warn('instance disconnected', {
        cluster: view.cluster,
        instanceId: view.instanceId,
        lastHeartbeat: view.heard,
      });
    }
  }
  for (const cluster of active) await ctx.reconcile.requestReconcile(cluster, 'periodic sweep');
  const scaling = await evaluateScaling(ctx, metrics);
  for (const failure of scaling.failed) logger.warn('scaling evaluation failed', { ...failure });
  // Deleted task definitions whose last task has stopped since (DeleteTaskDefinitions).
  const removed = await finishDeletions(ctx);
  if (removed > 0) logger.info('deleted task definitions removed', { removed });
  if (ctx.ec2) await scaleCapacityLogged(ctx, ctx.ec2, logger);
  return { clusters: active.length, disconnected, scaled: scaling.scaled, activeClusters: active };
}
