import { containerInstances, instanceLeases } from '../domain/collections.ts';
import type { ForeignInstancesResponse } from '../schemas/agent-api.ts';
import type { ControlContext } from './context.ts';
import { agentCluster, heartbeat } from './instances.ts';
import { leaseExpired, readPulse } from './availability.ts';
import { lastHeard } from './lease.ts';

/**
 * Whether an agent still answers for each of these instances: registered,
 * connected, its lease neither fenced nor older than the TTL. An agent asks
 * this about containers on its host that carry another instance's label;
 * those of an instance nobody answers for are left over from the host's
 * earlier life and are its to remove. Only the asker's own epoch is checked
 * (a fenced agent must register first); the answer says nothing but
 * "live or not" about the others.
 */
export async function foreignInstances(
  ctx: ControlContext,
  clusterRef: string,
  askerId: string,
  epoch: number,
  instanceIds: readonly string[],
): Promise<ForeignInstancesResponse> {
  const cluster = agentCluster(ctx.deployment, clusterRef);
  await heartbeat(ctx, clusterRef, askerId, epoch);
  const ids = [...new Set(instanceIds)].filter((id) => id !== askerId);
  const [instances, leases, pulse] = await Promise.all([
    ctx.store.getMany(
      containerInstances,
      ids.map((id) => containerInstances.key(cluster, id)),
    ),
    ctx.store.getMany(
      instanceLeases,
      ids.map((id) => instanceLeases.key(cluster, id)),
    ),
    readPulse(ctx),
  ]);
  const now = ctx.clock.now();
  return {
    instances: ids.map((instanceId) => {
      const instance = instances.find((i) => i.value.id === instanceId)?.value;
      const lease = leases.find((l) => l.value.instanceId === instanceId)?.value;
      const live =
        instance !== undefined &&
        instance.status !== 'INACTIVE' &&
        instance.agentConnected &&
        lease?.fenced !== true &&
        // Judged as the monitor judges it: time the control plane itself was down does not count.
        !leaseExpired(lastHeard(instance, lease), pulse, now, ctx.settings.heartbeatTtlMs);
      return { instanceId, live };
    }),
  };
}
