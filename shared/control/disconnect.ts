import { containerInstances, instanceLeases, services, tasks } from '../domain/collections.ts';
import type { ControlContext } from './context.ts';
import { lastHeard, writeLease } from './lease.ts';
import { leaseExpired, readPulse } from './availability.ts';
import { readAll, updateWithRetry } from './listing.ts';
import { stopNow } from './stop-now.ts';

/**
 * Declares an instance whose lease ran out disconnected (counted only over
 * time the control plane was up: availability.ts). The lease is fenced
 * first, conditional on the lease that was found expired, so an agent that
 * renews at that moment either gets in first (and stays connected) or is
 * refused and registers again. Then the instance's epoch is raised, so from
 * that moment nothing the old agent writes is accepted (a lease alone would
 * let a slow agent report after being replaced). Then its tasks are stopped
 * as lost, except those of services that chose to wait for the instance to
 * return, and its assignments say STOPPED, so a returning agent stops what
 * was replaced. Returns false if the agent was heard from in the meantime.
 * A fenced lease whose instance is still connected (a sweep that died
 * between the two writes) is finished the same way.
 */
export async function disconnectInstance(ctx: ControlContext, cluster: string, instanceId: string): Promise<boolean> {
  const now = ctx.clock.now();
  const ttl = ctx.settings.heartbeatTtlMs;
  const [found, lease, pulse] = await Promise.all([
    ctx.store.get(containerInstances, containerInstances.key(cluster, instanceId)),
    ctx.store.get(instanceLeases, instanceLeases.key(cluster, instanceId)),
    readPulse(ctx),
  ]);
  if (!found?.value.agentConnected) return false;
  const heard = lastHeard(found.value, lease?.value);
  if (!lease?.value.fenced) {
    // Time the control plane itself was down does not count against the agent.
    if (!leaseExpired(heard, pulse, now, ttl)) return false;
    const fenced = await writeLease(ctx, cluster, instanceId, lease, (l) => ({
      clusterName: cluster,
      instanceId,
      renewedAt: l?.renewedAt ?? found.value.heartbeatAt,
      fenced: true,
    }));
    if (!fenced) return false;
  }

  const waiting = await servicesThatWait(ctx, cluster);
  const isWaiting = (group: string | undefined) => group !== undefined && waiting.has(group);
  let declared = false;
  await updateWithRetry(ctx.store, containerInstances, containerInstances.key(cluster, instanceId), (i) => {
    declared = false;
    // Registered again since the lease was found expired: it is alive (and its lease fresh).
    if (!i.agentConnected || now - i.heartbeatAt <= ttl) return undefined;
    declared = true;
    const assignments = Object.fromEntries(
      Object.entries(i.assignments).map(([id, a]) => [
        id,
        isWaiting(a.group) ? a : { ...a, desiredStatus: 'STOPPED' as const },
      ]),
    );
    return {
      ...i,
      agentConnected: false,
      epoch: i.epoch + 1,
      generation: i.generation + 1,
      assignments,
      statusReason: `No heartbeat since ${new Date(heard).toISOString()}`,
    };
  });
  if (!declared) return false;

  const seconds = Math.round(ctx.settings.heartbeatTtlMs / 1000);
  const all = await readAll(ctx.store, tasks, tasks.partition(cluster));
  for (const { value } of all) {
    if (value.containerInstanceId !== instanceId || value.lastStatus === 'STOPPED' || isWaiting(value.group)) continue;
    await stopNow(ctx, cluster, value.taskId, {
      reason: `Task lost: container instance ${instanceId} sent no heartbeat for ${seconds} s`,
    });
  }
  await ctx.reconcile.requestReconcile(cluster, `instance ${instanceId} disconnected`);
  return true;
}

/** The groups of services whose tasks wait for a lost instance instead of being replaced. */
async function servicesThatWait(ctx: ControlContext, cluster: string): Promise<Set<string>> {
  const all = await readAll(ctx.store, services, services.partition(cluster));
  return new Set(all.filter((s) => s.value.onDisconnect === 'wait').map((s) => `service:${s.value.serviceName}`));
}
