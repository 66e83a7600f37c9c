import { controlPlanePulses } from '../domain/collections.ts';
import type { ControlPlanePulse } from '../schemas/control-plane-pulse.ts';
import type { ControlContext, ControlSettings } from './context.ts';

/**
 * A lease is judged only on time the control plane could have received its
 * renewals (docs/decisions.md, "Leases count only while the control plane is
 * up"). The monitor keeps one pulse item: each sweep stamps it, and starts a
 * new `upSince` when
 * - the previous sweep is more than two intervals ago: the control plane, its
 *   table or its schedule was down (Nomad's heartbeat grace after a leader
 *   election), or
 * - every connected agent of the fleet (two or more) is silent at once: the
 *   fault is far likelier on the control plane's side than on every host
 *   (Kubernetes' node lifecycle controller stops evicting in a full
 *   disruption).
 * A lease then counts from the later of its last renewal and `upSince`, so
 * after any outage every agent gets one whole TTL to get through again.
 */

/** What a sweep saw of the fleet's leases, judged against the pulse before it. */
export interface FleetSilence {
  /** Connected instances whose lease is not already being disconnected (not fenced). */
  readonly connected: number;
  /** Of those, how many would count as expired. */
  readonly silent: number;
}

/** When an instance's lease clock started: its last renewal, or the control plane's return if later. */
export function leaseClockStart(heard: number, pulse: ControlPlanePulse | undefined): number {
  return Math.max(heard, pulse?.upSince ?? 0);
}

export function leaseExpired(heard: number, pulse: ControlPlanePulse | undefined, now: number, ttlMs: number): boolean {
  return now - leaseClockStart(heard, pulse) > ttlMs;
}

/** The pulse after a sweep at `now`. Pure. */
export function nextPulse(
  previous: ControlPlanePulse | undefined,
  now: number,
  settings: Pick<ControlSettings, 'monitorIntervalMs'>,
  fleet: FleetSilence,
): ControlPlanePulse {
  if (!previous) return { upSince: now, lastSweepAt: now, reason: 'first sweep' };
  const gap = now - previous.lastSweepAt;
  if (gap > 2 * settings.monitorIntervalMs) {
    return { upSince: now, lastSweepAt: now, reason: `no sweep for ${Math.round(gap / 1000)} s` };
  }
  if (fleet.connected >= 2 && fleet.silent === fleet.connected) {
    return { upSince: now, lastSweepAt: now, reason: `all ${fleet.connected} connected agents silent at once` };
  }
  return { ...previous, lastSweepAt: Math.max(previous.lastSweepAt, now) };
}

export async function readPulse(ctx: ControlContext): Promise<ControlPlanePulse | undefined> {
  return (await ctx.store.get(controlPlanePulses, controlPlanePulses.key()))?.value;
}

/**
 * Stamps the pulse for a sweep at `now` and answers the pulse to judge
 * leases by. Two sweeps at once (overlapping schedules) both stand: the one
 * that loses the write reads the winner's.
 */
export async function recordSweep(ctx: ControlContext, now: number, fleet: FleetSilence): Promise<ControlPlanePulse> {
  const seen = await ctx.store.get(controlPlanePulses, controlPlanePulses.key());
  const next = nextPulse(seen?.value, now, ctx.settings, fleet);
  const outcome = seen
    ? await ctx.store.tryReplace(controlPlanePulses, next, seen.version)
    : await ctx.store.tryCreate(controlPlanePulses, next);
  if (outcome.written) return next;
  return outcome.current?.value ?? next;
}
