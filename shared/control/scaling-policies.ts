import type { ControlContext } from './context.ts';
import {
  PREDEFINED_METRICS,
  SCALABLE_DIMENSION,
  type PredefinedMetric,
  type ScalableTarget,
  type ScalingPolicy,
  type StepScalingConfiguration,
  type TargetTrackingConfiguration,
} from '../schemas/scaling.ts';
import type {
  DeleteScalingPolicyRequest,
  DescribeScalingPoliciesRequest,
  PutScalingPolicyRequest,
} from '../schemas/scaling-requests.ts';
import { invalid, notFound, ScalingError } from './scaling-errors.ts';
import { requireTarget, resourceIdOf, scalingChildArn, targetRef, uuid } from './scaling-resource.ts';
import { changeTarget, page } from './scaling-store.ts';
import { describedTargets } from './scaling-targets.ts';

/** Application Auto Scaling's quota of scaling policies per scalable target. */
export const MAX_POLICIES_PER_TARGET = 50;

type PolicyShape = Pick<ScalingPolicy, 'PolicyType' | 'metric'> &
  Partial<Pick<ScalingPolicy, 'StepScalingPolicyConfiguration' | 'TargetTrackingScalingPolicyConfiguration'>>;

/** Checks a request's policy and answers the stored shape of it, or refuses it before anything is written. */
export function policyShape(request: PutScalingPolicyRequest): PolicyShape {
  const type = request.PolicyType ?? 'StepScaling';
  if (type === 'TargetTrackingScaling') {
    const config = request.TargetTrackingScalingPolicyConfiguration;
    if (!config)
      throw invalid('TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy');
    return { PolicyType: type, metric: trackedMetric(config), TargetTrackingScalingPolicyConfiguration: config };
  }
  if (type === 'StepScaling') {
    const config = request.StepScalingPolicyConfiguration;
    if (!config) throw invalid('StepScalingPolicyConfiguration is required for a StepScaling policy');
    checkSteps(config);
    return { PolicyType: type, metric: stepMetric(request.PolicyName), StepScalingPolicyConfiguration: config };
  }
  throw invalid(`Unsupported policy type ${type}: Berth supports StepScaling and TargetTrackingScaling`);
}

function trackedMetric(config: TargetTrackingConfiguration): PredefinedMetric {
  if (config.CustomizedMetricSpecification !== undefined) {
    throw invalid('CustomizedMetricSpecification is not supported by Berth: use a PredefinedMetricSpecification');
  }
  const type = config.PredefinedMetricSpecification?.PredefinedMetricType;
  if (type === undefined) throw invalid('PredefinedMetricSpecification is required for a TargetTrackingScaling policy');
  const metric = PREDEFINED_METRICS.find((m) => m === type);
  if (!metric)
    throw invalid(`Unsupported metric type ${type} for service namespace ecs: use ${PREDEFINED_METRICS.join(' or ')}`);
  if (!(config.TargetValue > 0 && config.TargetValue <= 100)) {
    throw invalid(`TargetValue ${config.TargetValue} is out of range: a utilization target is above 0 and at most 100`);
  }
  if ((config.ScaleInCooldown ?? 0) < 0 || (config.ScaleOutCooldown ?? 0) < 0)
    throw invalid('Cooldowns must be zero or more');
  return metric;
}

/** A step policy has no alarm to read: its name chooses the metric (docs/scaling.md). */
export function stepMetric(policyName: string): PredefinedMetric {
  return /memory/i.test(policyName) ? 'ECSServiceAverageMemoryUtilization' : 'ECSServiceAverageCPUUtilization';
}

function checkSteps(config: StepScalingConfiguration): void {
  const steps = config.StepAdjustments ?? [];
  if (config.AdjustmentType === undefined) throw invalid('AdjustmentType is required for a StepScaling policy');
  if (steps.length === 0) throw invalid('StepAdjustments must have at least one step');
  if ((config.Cooldown ?? 0) < 0) throw invalid('Cooldown must be zero or more');
  for (const step of steps) {
    const low = step.MetricIntervalLowerBound ?? -Infinity;
    const high = step.MetricIntervalUpperBound ?? Infinity;
    if (low >= high) throw invalid("A step adjustment's lower bound must be less than its upper bound");
  }
  const sorted = [...steps].sort(
    (a, b) => (a.MetricIntervalLowerBound ?? -Infinity) - (b.MetricIntervalLowerBound ?? -Infinity),
  );
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i]?.MetricIntervalLowerBound ?? -Infinity) < (sorted[i - 1]?.MetricIntervalUpperBound ?? Infinity)) {
      throw invalid('Step adjustments may not overlap');
    }
  }
}

function alarmsOf(
  ctx: ControlContext,
  target: ScalableTarget,
  policy: ScalingPolicy,
): { AlarmName: string; AlarmARN: string }[] {
  if (policy.PolicyType !== 'TargetTrackingScaling') return [];
  const id = policy.PolicyARN.split(':')[5] ?? '';
  const d = ctx.deployment;
  return ['AlarmHigh', 'AlarmLow'].map((kind) => {
    const AlarmName = `TargetTracking-${resourceIdOf(target)}-${kind}-${id}`;
    return { AlarmName, AlarmARN: `arn:${d.partition}:cloudwatch:${d.region}:${d.accountId}:alarm:${AlarmName}` };
  });
}

export async function putScalingPolicy(
  ctx: ControlContext,
  request: PutScalingPolicyRequest,
): Promise<Record<string, unknown>> {
  const ref = targetRef(request);
  const shape = policyShape(request);
  await requireTarget(ctx, ref);
  const fresh = scalingChildArn(ctx.deployment, 'scalingPolicy', uuid(ctx), ref.resourceId, request.PolicyName);
  let stored: ScalingPolicy | undefined;
  const target = await changeTarget(ctx, ref, (t) => {
    const old = t.policies.find((p) => p.PolicyName === request.PolicyName);
    if (!old && t.policies.length >= MAX_POLICIES_PER_TARGET) {
      throw new ScalingError(
        'LimitExceededException',
        `A scalable target may have at most ${MAX_POLICIES_PER_TARGET} scaling policies`,
      );
    }
    stored = {
      PolicyName: request.PolicyName,
      PolicyARN: old?.PolicyARN ?? fresh,
      CreationTime: old?.CreationTime ?? ctx.clock.now(),
      ...shape,
    };
    const policy = stored;
    return { ...t, policies: [...t.policies.filter((p) => p.PolicyName !== request.PolicyName), policy] };
  });
  const policy = stored ?? target.policies.find((p) => p.PolicyName === request.PolicyName);
  if (!policy) throw invalid('The policy was not stored');
  return { PolicyARN: policy.PolicyARN, Alarms: alarmsOf(ctx, target, policy) };
}

export async function describeScalingPolicies(
  ctx: ControlContext,
  request: DescribeScalingPoliciesRequest,
): Promise<Record<string, unknown>> {
  const targets = await describedTargets(ctx, request);
  const rows = targets.flatMap((t) =>
    t.policies
      .filter((p) => request.PolicyNames === undefined || request.PolicyNames.includes(p.PolicyName))
      .sort((a, b) => a.PolicyName.localeCompare(b.PolicyName))
      .map((p) => ({ target: t, policy: p })),
  );
  const { items, NextToken } = page(
    'scaling-policies',
    rows,
    (r) => `${resourceIdOf(r.target)}:${r.policy.PolicyName}`,
    request,
  );
  return {
    ScalingPolicies: items.map(({ target, policy }) => ({
      PolicyARN: policy.PolicyARN,
      PolicyName: policy.PolicyName,
      ServiceNamespace: 'ecs',
      ResourceId: resourceIdOf(target),
      ScalableDimension: SCALABLE_DIMENSION,
      PolicyType: policy.PolicyType,
      ...(policy.StepScalingPolicyConfiguration && {
        StepScalingPolicyConfiguration: policy.StepScalingPolicyConfiguration,
      }),
      ...(policy.TargetTrackingScalingPolicyConfiguration && {
        TargetTrackingScalingPolicyConfiguration: policy.TargetTrackingScalingPolicyConfiguration,
      }),
      Alarms: alarmsOf(ctx, target, policy),
      CreationTime: policy.CreationTime / 1000,
    })),
    ...(NextToken !== undefined && { NextToken }),
  };
}

export async function deleteScalingPolicy(ctx: ControlContext, request: DeleteScalingPolicyRequest): Promise<object> {
  const ref = targetRef(request);
  const missing = () =>
    notFound(
      `No scaling policy found for service namespace: ecs, resource ID: ${ref.resourceId}, scalable dimension: ${SCALABLE_DIMENSION}, policy name: ${request.PolicyName}`,
    );
  const found = await requireTarget(ctx, ref);
  if (!found.value.policies.some((p) => p.PolicyName === request.PolicyName)) throw missing();
  await changeTarget(ctx, ref, (t) => {
    if (!t.policies.some((p) => p.PolicyName === request.PolicyName)) throw missing();
    return { ...t, policies: t.policies.filter((p) => p.PolicyName !== request.PolicyName) };
  });
  return {};
}
