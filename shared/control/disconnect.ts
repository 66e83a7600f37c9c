import { containerInstances, services, tasks } from '../domain/collections.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { ControlContext } from './context.ts';
import { instanceKey } from './instances.ts';
import { readAll, updateWithRetry } from './listing.ts';
import { stopNow } from './stop-now.ts';

/**
 * Declares an instance whose lease ran out disconnected. Its epoch is raised
 * first, so from that moment nothing the old agent writes is accepted (a
 * lease alone would let a slow agent report after being replaced). Then its
 * tasks are stopped as lost, except those of services that chose to wait for
 * the instance to return, and its assignments say STOPPED, so a returning
 * agent stops what was replaced. Returns false if the lease was renewed in
 * the meantime.
 */
export async function disconnectInstance(ctx: ControlContext, cluster: string, instanceId: string): Promise<boolean> {
  const now = ctx.clock.now();
  const expired = (i: ContainerInstance) => i.agentConnected && now - i.heartbeatAt > ctx.settings.heartbeatTtlMs;
  const waiting = await servicesThatWait(ctx, cluster);
  const isWaiting = (group: string | undefined) => group !== undefined && waiting.has(group);
  let declared = false;
  await updateWithRetry(ctx.store, containerInstances, instanceKey(cluster, instanceId), (i) => {
    declared = false;
    if (!expired(i)) return undefined;
    declared = true;
    const assignments = Object.fromEntries(
      Object.entries(i.assignments).map(([id, a]) => [id, isWaiting(a.group) ? a : { ...a, desiredStatus: 'STOPPED' as const }]),
    );
    return {
      ...i,
      agentConnected: false,
      epoch: i.epoch + 1,
      generation: i.generation + 1,
      assignments,
      statusReason: `No heartbeat since ${new Date(i.heartbeatAt).toISOString()}`,
    };
  });
  if (!declared) return false;

  const seconds = Math.round(ctx.settings.heartbeatTtlMs / 1000);
  const all = await readAll(ctx.store, tasks, `TASK#${cluster}`);
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
  const all = await readAll(ctx.store, services, `SERVICE#${cluster}`);
  return new Set(all.filter((s) => s.value.onDisconnect === 'wait').map((s) => `service:${s.value.serviceName}`));
}
