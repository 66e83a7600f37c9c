import { containerInstances, instanceLeases } from '#shared/domain/collections.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { leaseExpired, type FleetSilence } from '#shared/control/availability.ts';
import { lastHeard } from '#shared/control/lease.ts';
import { readAll } from '#shared/control/listing.ts';
import type { ControlPlanePulse } from '#shared/schemas/control-plane-pulse.ts';

/** A connected instance as the sweep judges it. */
export interface LeaseView {
  readonly cluster: string;
  readonly instanceId: string;
  readonly heard: number;
  /** A disconnect a sweep began (lease fenced) and did not finish. */
  readonly fenced: boolean;
}

/** Every connected instance of the given clusters, with when it was last heard. */
export async function readFleetLeases(ctx: ControlContext, clusters: readonly string[]): Promise<LeaseView[]> {
  const views: LeaseView[] = [];
  for (const cluster of clusters) {
    const [instances, leases] = await Promise.all([
      readAll(ctx.store, containerInstances, containerInstances.partition(cluster)),
      readAll(ctx.store, instanceLeases, instanceLeases.partition(cluster)),
    ]);
    const leaseOf = new Map(leases.map((l) => [l.value.instanceId, l.value]));
    for (const { value } of instances) {
      if (!value.agentConnected || value.status === 'INACTIVE') continue;
      const lease = leaseOf.get(value.id);
      views.push({ cluster, instanceId: value.id, heard: lastHeard(value, lease), fenced: lease?.fenced === true });
    }
  }
  return views;
}

/** How many connected agents are silent, judged against the pulse as it stood before this sweep. */
export function fleetSilence(
  views: readonly LeaseView[],
  pulse: ControlPlanePulse | undefined,
  now: number,
  ttlMs: number,
): FleetSilence {
  const judged = views.filter((v) => !v.fenced);
  return { connected: judged.length, silent: judged.filter((v) => leaseExpired(v.heard, pulse, now, ttlMs)).length };
}
