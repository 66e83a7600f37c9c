import type { ControlContext } from './context.ts';
import { services } from '../domain/collections.ts';
import { clamp, decideScaling, type MetricValues } from '../scheduler/scaling-decision.ts';
import { fireBetween, parseSchedule } from '../scheduler/scaling-schedule.ts';
import { withEvent } from '../scheduler/service-events.ts';
import type { ScalableTarget, ScalingActivity, ScheduledAction } from '../schemas/scaling.ts';
import { updateWithRetry } from './listing.ts';
import { uuid, type ServiceRef } from './scaling-resource.ts';
import { allTargets, changeTarget, MAX_ACTIVITIES } from './scaling-store.ts';
import { updateService } from './services.ts';

/** Where the evaluation reads a service's utilization: `serviceMetrics` in production, a fake in tests. */
export type ScalingMetricSource = (
  ctx: ControlContext,
  cluster: string,
  service: string,
  windowSeconds: number,
) => Promise<{ cpuUtilization?: number; memoryUtilization?: number; samples: number }>;

/** The metric window each evaluation averages over: the monitor's minute. */
export const METRIC_WINDOW_SECONDS = 60;

export interface ScalingOutcome {
  readonly targets: number;
  readonly scaled: number;
  /** Targets whose evaluation failed, with why: the next pass tries them again. */
  readonly failed: readonly { readonly resourceId: string; readonly error: unknown }[];
}

/**
 * The monitor's scaling pass over every registered target: scheduled actions
 * due since the last pass set min and max; a desired count outside them is
 * brought inside; otherwise the policies decide. The desired count changes
 * through UpdateService, so deployments, events and task protection apply as
 * for any user's update. One target's failure never stops the others.
 */
export async function evaluateScaling(ctx: ControlContext, metrics: ScalingMetricSource): Promise<ScalingOutcome> {
  let scaled = 0;
  const failed: { resourceId: string; error: unknown }[] = [];
  const targets = await allTargets(ctx);
  for (const target of targets) {
    try {
      if (await evaluateTarget(ctx, target, metrics)) scaled++;
    } catch (error) {
      failed.push({ resourceId: `service/${target.clusterName}/${target.serviceName}`, error });
    }
  }
  return { targets: targets.length, scaled, failed };
}

interface Step {
  readonly activities: ScalingActivity[];
  min: number;
  max: number;
}

async function evaluateTarget(
  ctx: ControlContext,
  target: ScalableTarget,
  metrics: ScalingMetricSource,
): Promise<boolean> {
  const now = ctx.clock.now();
  const ref: ServiceRef = {
    cluster: target.clusterName,
    service: target.serviceName,
    resourceId: `service/${target.clusterName}/${target.serviceName}`,
  };
  const step: Step = { activities: [], min: target.MinCapacity, max: target.MaxCapacity };
  const fired = target.SuspendedState.ScheduledScalingSuspended ? [] : dueActions(target, now);
  for (const action of fired) applyScheduled(ctx, step, action, now);
  const bounded = { ...target, MinCapacity: step.min, MaxCapacity: step.max };
  const change = await decideChange(ctx, bounded, metrics, now);
  let direction: 'out' | 'in' | undefined;
  if (change) {
    const result = await setDesiredCount(ctx, ref, change.desired, change.cause);
    step.activities.push(activity(ctx, now, `Setting desired count to ${change.desired}.`, change.cause, result));
    if (result.ok && change.fromPolicy) direction = change.direction;
  }
  if (fired.length === 0 && step.activities.length === 0) return false;
  await changeTarget(ctx, ref, (t) => ({
    ...t,
    // Only a scheduled action moves the bounds: a RegisterScalableTarget landing meanwhile is kept.
    ...(fired.length > 0 && { MinCapacity: step.min, MaxCapacity: step.max }),
    scheduledActions: t.scheduledActions.map((a) =>
      fired.some((f) => f.ScheduledActionName === a.ScheduledActionName) ? { ...a, checkedUntil: now } : a,
    ),
    activities: [...step.activities.reverse(), ...t.activities].slice(0, MAX_ACTIVITIES),
    ...(direction === 'out' && { lastScaleOutAt: now }),
    ...(direction === 'in' && { lastScaleInAt: now }),
  }));
  return direction !== undefined;
}

/** Actions whose schedule fired since they were last looked at (the latest firing counts once). */
function dueActions(target: ScalableTarget, now: number): ScheduledAction[] {
  return target.scheduledActions.filter((action) => {
    const parsed = parseSchedule(action.Schedule);
    if (!parsed.ok) return false;
    const zone = action.Timezone ?? 'UTC';
    return (
      fireBetween(
        parsed.schedule,
        { from: action.checkedUntil, to: now },
        {
          zone,
          created: action.CreationTime,
          ...(action.StartTime !== undefined && { start: action.StartTime }),
          ...(action.EndTime !== undefined && { end: action.EndTime }),
        },
      ) !== undefined
    );
  });
}

/** A scheduled action sets what it names; the other bound moves only as far as needed to keep min <= max. */
function applyScheduled(ctx: ControlContext, step: Step, action: ScheduledAction, now: number): void {
  const { MinCapacity, MaxCapacity } = action.ScalableTargetAction;
  if (MinCapacity !== undefined) step.min = MinCapacity;
  if (MaxCapacity !== undefined) step.max = MaxCapacity;
  if (step.min > step.max) {
    if (MinCapacity !== undefined) step.max = step.min;
    else step.min = step.max;
  }
  step.activities.push(
    activity(
      ctx,
      now,
      `Setting min capacity to ${step.min} and max capacity to ${step.max}`,
      `scheduled action name ${action.ScheduledActionName} was triggered`,
      { ok: true, message: `Successfully set min capacity to ${step.min} and max capacity to ${step.max}` },
    ),
  );
}

interface Change {
  readonly desired: number;
  readonly cause: string;
  readonly direction: 'out' | 'in';
  readonly fromPolicy: boolean;
}

async function decideChange(
  ctx: ControlContext,
  target: ScalableTarget,
  metrics: ScalingMetricSource,
  now: number,
): Promise<Change | undefined> {
  const service = await ctx.store.get(services, services.key(target.clusterName, target.serviceName));
  if (!service || service.value.status !== 'ACTIVE' || service.value.schedulingStrategy === 'DAEMON') return undefined;
  const current = service.value.desiredCount;
  const bounded = clamp(current, target);
  if (bounded !== current) {
    const cause = `the desired count ${current} is outside the target's minimum ${target.MinCapacity} and maximum ${target.MaxCapacity}`;
    return { desired: bounded, cause, direction: bounded > current ? 'out' : 'in', fromPolicy: false };
  }
  if (target.policies.length === 0) return undefined;
  const decision = decideScaling({ target, current, metrics: await metricValues(ctx, target, metrics), now });
  if (decision.kind === 'hold' || decision.desiredCount === current) return undefined;
  return { desired: decision.desiredCount, cause: decision.cause, direction: decision.direction, fromPolicy: true };
}

async function metricValues(
  ctx: ControlContext,
  target: ScalableTarget,
  source: ScalingMetricSource,
): Promise<MetricValues> {
  const read = await source(ctx, target.clusterName, target.serviceName, METRIC_WINDOW_SECONDS);
  if (read.samples <= 0) return {};
  return {
    ...(read.cpuUtilization !== undefined && { ECSServiceAverageCPUUtilization: read.cpuUtilization }),
    ...(read.memoryUtilization !== undefined && { ECSServiceAverageMemoryUtilization: read.memoryUtilization }),
  };
}

type Result = { readonly ok: boolean; readonly message: string };

/** UpdateService, then the service's own event saying why its count changed. */
async function setDesiredCount(ctx: ControlContext, ref: ServiceRef, desired: number, cause: string): Promise<Result> {
  try {
    await updateService(ctx, { cluster: ref.cluster, service: ref.service, desiredCount: desired });
  } catch (error) {
    return {
      ok: false,
      message: `Failed to set desired count to ${desired}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const now = ctx.clock.now();
  const message = `(service ${ref.service}) was scaled to a desired count of ${desired} by Application Auto Scaling: ${cause}.`;
  await updateWithRetry(ctx.store, services, services.key(ref.cluster, ref.service), (s) =>
    withEvent(s, message, now, ctx.ids.next()),
  ).catch(() => undefined);
  return { ok: true, message: `Successfully set desired count to ${desired}. Change successfully fulfilled by ecs.` };
}

function activity(
  ctx: ControlContext,
  now: number,
  description: string,
  cause: string,
  result: Result,
): ScalingActivity {
  return {
    ActivityId: uuid(ctx),
    Description: description,
    Cause: `${new Date(now).toISOString()} ${cause}`,
    StartTime: now,
    EndTime: ctx.clock.now(),
    StatusCode: result.ok ? 'Successful' : 'Failed',
    StatusMessage: result.message,
  };
}
