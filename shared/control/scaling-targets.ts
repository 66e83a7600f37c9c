import type { ControlContext } from './context.ts';
import { scalableTargets } from '../domain/collections.ts';
import { SCALABLE_DIMENSION, type ScalableTarget } from '../schemas/scaling.ts';
import type {
  DescribeScalableTargetsRequest,
  RegisterScalableTargetRequest,
  TargetRequest,
} from '../schemas/scaling-requests.ts';
import { invalid } from './scaling-errors.ts';
import {
  parseResourceId,
  requireActiveService,
  requireDimension,
  requireEcsNamespace,
  requireTarget,
  resourceIdOf,
  scalableTargetArn,
  targetRef,
} from './scaling-resource.ts';
import { allTargets, changeTarget, concurrent, page } from './scaling-store.ts';

/** The role Application Auto Scaling answers for ECS when none is given: its service-linked role. */
function defaultRole(ctx: ControlContext): string {
  return `arn:${ctx.deployment.partition}:iam::${ctx.deployment.accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`;
}

function checkCapacities(min: number, max: number): void {
  if (min < 0) throw invalid('MinCapacity must be zero or more');
  if (max < 0) throw invalid('MaxCapacity must be zero or more');
  if (min > max) throw invalid('Minimum capacity cannot be greater than maximum capacity');
}

/** Registers a service's desired count for scaling; registering again updates what is given. */
export async function registerScalableTarget(
  ctx: ControlContext,
  request: RegisterScalableTargetRequest,
): Promise<{ ScalableTargetARN: string }> {
  const ref = targetRef(request);
  await requireActiveService(ctx, ref);
  const existing = await ctx.store.get(scalableTargets, scalableTargets.key(`${ref.cluster}/${ref.service}`));
  if (existing) {
    checkCapacities(
      request.MinCapacity ?? existing.value.MinCapacity,
      request.MaxCapacity ?? existing.value.MaxCapacity,
    );
    const updated = await changeTarget(ctx, ref, (t) => {
      const next = {
        ...t,
        MinCapacity: request.MinCapacity ?? t.MinCapacity,
        MaxCapacity: request.MaxCapacity ?? t.MaxCapacity,
        SuspendedState: { ...t.SuspendedState, ...request.SuspendedState },
      };
      checkCapacities(next.MinCapacity, next.MaxCapacity);
      return next;
    });
    return { ScalableTargetARN: updated.ScalableTargetARN };
  }
  if (request.MinCapacity === undefined || request.MaxCapacity === undefined) {
    throw invalid('MinCapacity and MaxCapacity are required for registering a new scalable target');
  }
  checkCapacities(request.MinCapacity, request.MaxCapacity);
  const target: ScalableTarget = {
    clusterName: ref.cluster,
    serviceName: ref.service,
    ScalableTargetARN: scalableTargetArn(ctx.deployment, ctx.ids.next()),
    MinCapacity: request.MinCapacity,
    MaxCapacity: request.MaxCapacity,
    RoleARN: request.RoleARN ?? defaultRole(ctx),
    SuspendedState: request.SuspendedState ?? {},
    CreationTime: ctx.clock.now(),
    policies: [],
    scheduledActions: [],
    activities: [],
  };
  const outcome = await ctx.store.tryCreate(scalableTargets, target);
  if (!outcome.written) throw concurrent();
  return { ScalableTargetARN: target.ScalableTargetARN };
}

export function presentTarget(t: ScalableTarget): Record<string, unknown> {
  return {
    ServiceNamespace: 'ecs',
    ResourceId: resourceIdOf(t),
    ScalableDimension: SCALABLE_DIMENSION,
    MinCapacity: t.MinCapacity,
    MaxCapacity: t.MaxCapacity,
    RoleARN: t.RoleARN,
    CreationTime: t.CreationTime / 1000,
    SuspendedState: {
      DynamicScalingInSuspended: t.SuspendedState.DynamicScalingInSuspended ?? false,
      DynamicScalingOutSuspended: t.SuspendedState.DynamicScalingOutSuspended ?? false,
      ScheduledScalingSuspended: t.SuspendedState.ScheduledScalingSuspended ?? false,
    },
    ScalableTargetARN: t.ScalableTargetARN,
  };
}

/** The targets that match every filter given. */
export async function matchingTargets(
  ctx: ControlContext,
  filter: {
    ServiceNamespace: string;
    ScalableDimension?: string | undefined;
    ResourceIds?: readonly string[] | undefined;
  },
): Promise<ScalableTarget[]> {
  requireEcsNamespace(filter.ServiceNamespace);
  if (filter.ScalableDimension !== undefined) requireDimension(filter.ScalableDimension);
  const ids = filter.ResourceIds?.map((id) => parseResourceId(id).resourceId);
  const all = await allTargets(ctx);
  return ids === undefined ? all : all.filter((t) => ids.includes(resourceIdOf(t)));
}

export async function describeScalableTargets(
  ctx: ControlContext,
  request: DescribeScalableTargetsRequest,
): Promise<Record<string, unknown>> {
  const targets = await matchingTargets(ctx, request);
  const { items, NextToken } = page('scalable-targets', targets, resourceIdOf, request);
  return { ScalableTargets: items.map(presentTarget), ...(NextToken !== undefined && { NextToken }) };
}

/** Deregisters a target, and with it (one item) its policies and scheduled actions. */
export async function deregisterScalableTarget(ctx: ControlContext, request: TargetRequest): Promise<object> {
  const ref = targetRef(request);
  const found = await requireTarget(ctx, ref);
  const outcome = await ctx.store.tryDelete(
    scalableTargets,
    scalableTargets.key(`${ref.cluster}/${ref.service}`),
    found.version,
  );
  if (!outcome.deleted) throw concurrent();
  return {};
}

/** The targets a Describe call names: all of the namespace, or the one of its ResourceId. */
export function describedTargets(
  ctx: ControlContext,
  request: { ServiceNamespace: string; ScalableDimension?: string | undefined; ResourceId?: string | undefined },
): Promise<ScalableTarget[]> {
  return matchingTargets(ctx, {
    ...request,
    ...(request.ResourceId !== undefined && { ResourceIds: [request.ResourceId] }),
  });
}
