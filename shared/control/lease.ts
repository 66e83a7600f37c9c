import { instanceLeases } from '../domain/collections.ts';
import { VersionConflictError } from '../domain/errors.ts';
import type { Versioned } from '../ports/store.ts';
import type { ContainerInstance, InstanceLease } from '../schemas/container-instance.ts';
import type { ControlContext } from './context.ts';

/**
 * An agent's liveness, kept apart from its instance item (docs/decisions.md):
 * renewing it is one write of a few dozen bytes, where rewriting the instance
 * item costs a write unit per kilobyte of assignments. Its key is
 * `instanceLeases.key(cluster, instanceId)`.
 */

/** A lease not renewed for a day is gone from the table: its instance was deregistered or its cluster deleted. */
const LEASE_RETENTION_SECONDS = 24 * 3600;

/** When the agent was last known alive: its lease, or its last (re)registration. */
export function lastHeard(instance: ContainerInstance, lease: InstanceLease | undefined): number {
  return Math.max(instance.heartbeatAt, lease?.renewedAt ?? 0);
}

/**
 * Writes the lease as `change` makes it from the one read (undefined if there
 * is none), conditional on that read; answers false when `change` declines
 * or another writer got in first.
 */
export async function writeLease(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  seen: Versioned<InstanceLease> | undefined,
  change: (current: InstanceLease | undefined) => InstanceLease | undefined,
): Promise<boolean> {
  const next = change(seen?.value);
  if (!next) return false;
  const expiresAt = Math.floor(next.renewedAt / 1000) + LEASE_RETENTION_SECONDS;
  const outcome = seen
    ? await ctx.store.tryReplace(instanceLeases, next, seen.version, { expiresAt })
    : await ctx.store.tryCreate(instanceLeases, next, { expiresAt });
  return outcome.written;
}

/** A (re)registered agent starts a fresh lease, unfenced, whatever was there. */
export async function startLease(ctx: ControlContext, cluster: string, instanceId: string): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const seen = await ctx.store.get(instanceLeases, instanceLeases.key(cluster, instanceId));
    const fresh = { clusterName: cluster, instanceId, renewedAt: ctx.clock.now(), fenced: false };
    if (await writeLease(ctx, cluster, instanceId, seen, () => fresh)) return;
  }
  throw new VersionConflictError(`The lease of container instance ${instanceId} kept changing`);
}
