import type { ControlContext } from './context.ts';
import { isValidTimezone, parseSchedule } from '../scheduler/scaling-schedule.ts';
import { SCALABLE_DIMENSION, type ScheduledAction } from '../schemas/scaling.ts';
import type {
  DeleteScheduledActionRequest,
  DescribeScheduledActionsRequest,
  PutScheduledActionRequest,
} from '../schemas/scaling-requests.ts';
import { invalid, notFound, ScalingError } from './scaling-errors.ts';
import { requireTarget, resourceIdOf, scalingChildArn, targetRef, uuid } from './scaling-resource.ts';
import { changeTarget, page } from './scaling-store.ts';
import { describedTargets } from './scaling-targets.ts';

/** Application Auto Scaling's quota of scheduled actions per scalable target. */
export const MAX_SCHEDULED_ACTIONS_PER_TARGET = 200;

type ActionFields = Omit<
  ScheduledAction,
  'ScheduledActionName' | 'ScheduledActionARN' | 'CreationTime' | 'checkedUntil'
>;

/** The action a request describes, over the one it replaces (PutScheduledAction updates what it is given). */
function actionFields(request: PutScheduledActionRequest, old: ScheduledAction | undefined): ActionFields {
  const schedule = request.Schedule ?? old?.Schedule;
  if (schedule === undefined) throw invalid('Schedule is required for a new scheduled action');
  const parsed = parseSchedule(schedule);
  if (!parsed.ok) throw invalid(parsed.message);
  const zone = request.Timezone ?? old?.Timezone;
  if (zone !== undefined && !isValidTimezone(zone)) throw invalid(`Timezone ${zone} is not a valid time zone name`);
  const action = request.ScalableTargetAction ?? old?.ScalableTargetAction;
  if (!action || (action.MinCapacity === undefined && action.MaxCapacity === undefined)) {
    throw invalid('ScalableTargetAction must set MinCapacity, MaxCapacity or both');
  }
  if ((action.MinCapacity ?? 0) < 0 || (action.MaxCapacity ?? 0) < 0) throw invalid('Capacities must be zero or more');
  if (action.MinCapacity !== undefined && action.MaxCapacity !== undefined && action.MinCapacity > action.MaxCapacity) {
    throw invalid('Minimum capacity cannot be greater than maximum capacity');
  }
  const start = request.StartTime !== undefined ? request.StartTime * 1000 : old?.StartTime;
  const end = request.EndTime !== undefined ? request.EndTime * 1000 : old?.EndTime;
  if (start !== undefined && end !== undefined && start >= end) throw invalid('StartTime must be before EndTime');
  return {
    Schedule: schedule,
    ScalableTargetAction: action,
    ...(zone !== undefined && { Timezone: zone }),
    ...(start !== undefined && { StartTime: start }),
    ...(end !== undefined && { EndTime: end }),
  };
}

export async function putScheduledAction(ctx: ControlContext, request: PutScheduledActionRequest): Promise<object> {
  const ref = targetRef(request);
  const found = await requireTarget(ctx, ref);
  const name = request.ScheduledActionName;
  // Checked on the item as read, so a bad request is refused before any write.
  actionFields(
    request,
    found.value.scheduledActions.find((a) => a.ScheduledActionName === name),
  );
  const now = ctx.clock.now();
  const arn = scalingChildArn(ctx.deployment, 'scheduledAction', uuid(ctx), ref.resourceId, name);
  await changeTarget(ctx, ref, (t) => {
    const old = t.scheduledActions.find((a) => a.ScheduledActionName === name);
    if (!old && t.scheduledActions.length >= MAX_SCHEDULED_ACTIONS_PER_TARGET) {
      throw new ScalingError(
        'LimitExceededException',
        `A scalable target may have at most ${MAX_SCHEDULED_ACTIONS_PER_TARGET} scheduled actions`,
      );
    }
    const action: ScheduledAction = {
      ScheduledActionName: name,
      ScheduledActionARN: old?.ScheduledActionARN ?? arn,
      CreationTime: old?.CreationTime ?? now,
      // A changed schedule counts from now: times already past do not fire.
      checkedUntil: now,
      ...actionFields(request, old),
    };
    return { ...t, scheduledActions: [...t.scheduledActions.filter((a) => a.ScheduledActionName !== name), action] };
  });
  return {};
}

export async function describeScheduledActions(
  ctx: ControlContext,
  request: DescribeScheduledActionsRequest,
): Promise<Record<string, unknown>> {
  const targets = await describedTargets(ctx, request);
  const rows = targets.flatMap((target) =>
    target.scheduledActions
      .filter(
        (a) =>
          request.ScheduledActionNames === undefined || request.ScheduledActionNames.includes(a.ScheduledActionName),
      )
      .sort((a, b) => a.ScheduledActionName.localeCompare(b.ScheduledActionName))
      .map((action) => ({ target, action })),
  );
  const { items, NextToken } = page(
    'scheduled-actions',
    rows,
    (r) => `${resourceIdOf(r.target)}:${r.action.ScheduledActionName}`,
    request,
  );
  return {
    ScheduledActions: items.map(({ target, action }) => ({
      ScheduledActionName: action.ScheduledActionName,
      ScheduledActionARN: action.ScheduledActionARN,
      ServiceNamespace: 'ecs',
      Schedule: action.Schedule,
      ...(action.Timezone !== undefined && { Timezone: action.Timezone }),
      ResourceId: resourceIdOf(target),
      ScalableDimension: SCALABLE_DIMENSION,
      ...(action.StartTime !== undefined && { StartTime: action.StartTime / 1000 }),
      ...(action.EndTime !== undefined && { EndTime: action.EndTime / 1000 }),
      ScalableTargetAction: action.ScalableTargetAction,
      CreationTime: action.CreationTime / 1000,
    })),
    ...(NextToken !== undefined && { NextToken }),
  };
}

export async function deleteScheduledAction(
  ctx: ControlContext,
  request: DeleteScheduledActionRequest,
): Promise<object> {
  const ref = targetRef(request);
  const name = request.ScheduledActionName;
  const missing = () =>
    notFound(
      `No scheduled action found for service namespace: ecs, resource ID: ${ref.resourceId}, scalable dimension: ${SCALABLE_DIMENSION}, scheduled action name: ${name}`,
    );
  const found = await requireTarget(ctx, ref);
  if (!found.value.scheduledActions.some((a) => a.ScheduledActionName === name)) throw missing();
  await changeTarget(ctx, ref, (t) => {
    if (!t.scheduledActions.some((a) => a.ScheduledActionName === name)) throw missing();
    return { ...t, scheduledActions: t.scheduledActions.filter((a) => a.ScheduledActionName !== name) };
  });
  return {};
}
