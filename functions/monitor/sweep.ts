import { clusters, containerInstances, instanceLeases } from '../../shared/domain/collections.ts';
import type { ControlContext } from '../../shared/control/context.ts';
import { disconnectInstance } from '../../shared/control/disconnect.ts';
import { lastHeard } from '../../shared/control/lease.ts';
import { readAll } from '../../shared/control/listing.ts';
import type { Logger } from '../runtime/logger.ts';

export interface SweepOutcome {
  readonly clusters: number;
  readonly disconnected: number;
}

/**
 * The monitor's periodic pass: every instance whose lease has run out is
 * declared disconnected (its tasks lost and replaced, its agent fenced), and
 * every active cluster is queued for a reconcile, so a lost queue message is
 * healed within a sweep.
 */
export async function sweep(ctx: ControlContext, logger: Logger): Promise<SweepOutcome> {
  const all = await readAll(ctx.store, clusters, 'CLUSTER');
  const active = all.filter((c) => c.value.status === 'ACTIVE').map((c) => c.value.clusterName);
  let disconnected = 0;
  const now = ctx.clock.now();
  for (const cluster of active) {
    const [instances, leases] = await Promise.all([
      readAll(ctx.store, containerInstances, `INSTANCE#${cluster}`),
      readAll(ctx.store, instanceLeases, `LEASE#${cluster}`),
    ]);
    const leaseOf = new Map(leases.map((l) => [l.value.instanceId, l.value]));
    for (const { value } of instances) {
      if (!value.agentConnected || value.status === 'INACTIVE') continue;
      const lease = leaseOf.get(value.id);
      const heard = lastHeard(value, lease);
      // A fenced lease on a connected instance is a disconnect a sweep began and did not finish.
      if (!lease?.fenced && now - heard <= ctx.settings.heartbeatTtlMs) continue;
      if (await disconnectInstance(ctx, cluster, value.id)) {
        disconnected++;
        logger.warn('instance disconnected', { cluster, instanceId: value.id, lastHeartbeat: heard });
      }
    }
    await ctx.reconcile.requestReconcile(cluster, 'periodic sweep');
  }
  return { clusters: active.length, disconnected };
}
