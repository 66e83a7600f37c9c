import type {
  PredefinedMetric,
  ScalableTarget,
  ScalingPolicy,
  StepAdjustment,
  StepScalingConfiguration,
} from '../schemas/scaling.ts';

/**
 * What a service's scaling policies want its desired count to be, decided
 * purely from the target, the service's current desired count and the
 * metric values at hand. The monitor applies the answer.
 */

/** ECS's defaults when a policy names no cooldown. */
export const DEFAULT_COOLDOWN_SECONDS = 300;

export type MetricValues = Partial<Record<PredefinedMetric, number>>;

export type ScalingDecision =
  | { readonly kind: 'hold'; readonly reason: string }
  | {
      readonly kind: 'scale';
      readonly direction: 'out' | 'in';
      readonly desiredCount: number;
      readonly policyName: string;
      /** Why, in words for the activity's cause. */
      readonly cause: string;
    };

type Proposal =
  | { readonly kind: 'hold'; readonly reason: string }
  | { readonly kind: 'want'; readonly desired: number; readonly policyName: string; readonly cause: string };

export interface DecisionInput {
  readonly target: ScalableTarget;
  readonly current: number;
  readonly metrics: MetricValues;
  readonly now: number;
}

export function clamp(value: number, target: Pick<ScalableTarget, 'MinCapacity' | 'MaxCapacity'>): number {
  return Math.min(target.MaxCapacity, Math.max(target.MinCapacity, value));
}

/**
 * Scale out when any policy asks for more; scale in only when every policy
 * with data asks for less (Application Auto Scaling's rule for several
 * policies on one target), and then to the largest of their counts.
 */
export function decideScaling(input: DecisionInput): ScalingDecision {
  const proposals = input.target.policies.map((policy) => propose(policy, input));
  const wants = proposals.flatMap((p) => (p.kind === 'want' ? [p] : []));
  const outs = wants.filter((p) => p.desired > input.current);
  if (outs.length > 0) {
    const best = outs.reduce((a, b) => (b.desired > a.desired ? b : a));
    return gate('out', best, input);
  }
  const ins = wants.filter((p) => p.desired < input.current);
  if (ins.length > 0 && ins.length === proposals.length) {
    const best = ins.reduce((a, b) => (b.desired > a.desired ? b : a));
    return gate('in', best, input);
  }
  const held = proposals.find((p) => p.kind === 'hold');
  return { kind: 'hold', reason: held?.kind === 'hold' ? held.reason : 'the metric is at its target' };
}

/** Suspension and cooldowns: a scale-out waits out the last scale-out's cooldown, a scale-in the last activity's. */
function gate(
  direction: 'out' | 'in',
  want: Extract<Proposal, { kind: 'want' }>,
  input: DecisionInput,
): ScalingDecision {
  const { target, now } = input;
  const policy = target.policies.find((p) => p.PolicyName === want.policyName);
  const cooldownMs = cooldownSeconds(policy, direction) * 1000;
  if (direction === 'out') {
    if (target.SuspendedState.DynamicScalingOutSuspended)
      return { kind: 'hold', reason: 'dynamic scale-out is suspended' };
    if (target.lastScaleOutAt !== undefined && now < target.lastScaleOutAt + cooldownMs) {
      return { kind: 'hold', reason: 'the scale-out cooldown has not passed' };
    }
  } else {
    if (target.SuspendedState.DynamicScalingInSuspended)
      return { kind: 'hold', reason: 'dynamic scale-in is suspended' };
    const last = Math.max(target.lastScaleOutAt ?? -Infinity, target.lastScaleInAt ?? -Infinity);
    if (now < last + cooldownMs) return { kind: 'hold', reason: 'the scale-in cooldown has not passed' };
  }
  return { kind: 'scale', direction, desiredCount: want.desired, policyName: want.policyName, cause: want.cause };
}

function cooldownSeconds(policy: ScalingPolicy | undefined, direction: 'out' | 'in'): number {
  const tracking = policy?.TargetTrackingScalingPolicyConfiguration;
  if (tracking)
    return (direction === 'out' ? tracking.ScaleOutCooldown : tracking.ScaleInCooldown) ?? DEFAULT_COOLDOWN_SECONDS;
  return policy?.StepScalingPolicyConfiguration?.Cooldown ?? DEFAULT_COOLDOWN_SECONDS;
}

function propose(policy: ScalingPolicy, input: DecisionInput): Proposal {
  const value = input.metrics[policy.metric];
  if (value === undefined) return { kind: 'hold', reason: `no ${policy.metric} data for the service` };
  if (input.current === 0) return { kind: 'hold', reason: 'the service runs no task to measure' };
  const tracking = policy.TargetTrackingScalingPolicyConfiguration;
  if (tracking) {
    const wanted = Math.ceil((input.current * value) / tracking.TargetValue);
    if (wanted < input.current && tracking.DisableScaleIn) return { kind: 'hold', reason: 'scale-in is disabled' };
    return want(
      policy,
      clamp(wanted, input.target),
      `${policy.metric} ${round(value)} against target ${tracking.TargetValue}`,
    );
  }
  const step = policy.StepScalingPolicyConfiguration;
  const adjustment = step ? stepFor(step.StepAdjustments ?? [], value) : undefined;
  if (!step || !adjustment) return { kind: 'hold', reason: `${policy.metric} ${round(value)} is in no step` };
  return want(
    policy,
    clamp(applyStep(step, adjustment, input.current), input.target),
    `${policy.metric} ${round(value)}`,
  );
}

function want(policy: ScalingPolicy, desired: number, why: string): Proposal {
  return {
    kind: 'want',
    desired,
    policyName: policy.PolicyName,
    cause: `monitor alarm ${alarmName(policy)} in state ALARM (${why}) triggered policy ${policy.PolicyName}`,
  };
}

/** The alarm Application Auto Scaling would have made for the policy, by the same naming. */
export function alarmName(policy: ScalingPolicy): string {
  return policy.PolicyType === 'TargetTrackingScaling'
    ? `TargetTracking-${policy.PolicyName}`
    : `StepScaling-${policy.PolicyName}`;
}

/** The step whose interval holds the value: lower bound inclusive, upper exclusive, absent bounds unbounded. */
export function stepFor(steps: readonly StepAdjustment[], value: number): StepAdjustment | undefined {
  return steps.find(
    (s) =>
      (s.MetricIntervalLowerBound === undefined || value >= s.MetricIntervalLowerBound) &&
      (s.MetricIntervalUpperBound === undefined || value < s.MetricIntervalUpperBound),
  );
}

export function applyStep(step: StepScalingConfiguration, adjustment: StepAdjustment, current: number): number {
  const by = adjustment.ScalingAdjustment;
  switch (step.AdjustmentType ?? 'ChangeInCapacity') {
    case 'ExactCapacity':
      return by;
    case 'PercentChangeInCapacity': {
      const raw = Math.trunc((current * by) / 100);
      const magnitude = Math.max(Math.abs(raw), step.MinAdjustmentMagnitude ?? 0, by === 0 ? 0 : 1);
      return current + Math.sign(by) * magnitude;
    }
    default:
      return current + by;
  }
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
