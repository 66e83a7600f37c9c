import { describe, expect, it } from 'vitest';
import { applyStep, decideScaling, stepFor, type MetricValues } from '#shared/scheduler/scaling-decision.ts';
import type { ScalableTarget, ScalingPolicy } from '#shared/schemas/scaling.ts';

const NOW = 1_000_000_000;

function tracking(
  overrides: Partial<NonNullable<ScalingPolicy['TargetTrackingScalingPolicyConfiguration']>> = {},
): ScalingPolicy {
  return {
    PolicyName: 'cpu50',
    PolicyARN: 'arn:aws:autoscaling:us-east-1:1:scalingPolicy:x:resource/ecs/service/c/s:policyName/cpu50',
    PolicyType: 'TargetTrackingScaling',
    metric: 'ECSServiceAverageCPUUtilization',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 50,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      ScaleOutCooldown: 60,
      ScaleInCooldown: 120,
      ...overrides,
    },
    CreationTime: 0,
  };
}

function target(overrides: Partial<ScalableTarget> = {}): ScalableTarget {
  return {
    clusterName: 'c',
    serviceName: 's',
    ScalableTargetARN: 'arn',
    MinCapacity: 1,
    MaxCapacity: 10,
    RoleARN: 'role',
    SuspendedState: {},
    CreationTime: 0,
    policies: [tracking()],
    scheduledActions: [],
    activities: [],
    ...overrides,
  };
}

const cpu = (value: number): MetricValues => ({ ECSServiceAverageCPUUtilization: value });

describe('target tracking', () => {
  it.each([
    ['scales out proportionally: ceil(2 × 90 / 50)', target(), 2, cpu(90), 4],
    ['clamps a scale-out to the maximum', target(), 4, cpu(200), 10],
    ['scales in proportionally: ceil(4 × 20 / 50)', target(), 4, cpu(20), 2],
    ['never scales in below the minimum', target({ MinCapacity: 3 }), 4, cpu(1), 3],
    [
      'scales in once the scale-in cooldown after the last scale-out passed',
      target({ lastScaleOutAt: NOW - 120_000 }),
      4,
      cpu(20),
      2,
    ],
    ['scales out again once the scale-out cooldown passed', target({ lastScaleOutAt: NOW - 60_000 }), 2, cpu(90), 4],
  ])('%s', (_name, t, current, metrics, expected) => {
    const decision = decideScaling({ target: t, current, metrics, now: NOW });
    expect(decision).toMatchObject({ kind: 'scale', desiredCount: expected, policyName: 'cpu50' });
  });

  it.each([
    ['no data', target(), 2, {}, 'no ECSServiceAverageCPUUtilization data'],
    ['metric at target', target(), 2, cpu(50), 'at its target'],
    [
      'scale-in disabled',
      target({ policies: [tracking({ DisableScaleIn: true })] }),
      4,
      cpu(10),
      'scale-in is disabled',
    ],
    ['within the scale-in cooldown', target({ lastScaleOutAt: NOW - 119_000 }), 4, cpu(20), 'scale-in cooldown'],
    ['within the scale-out cooldown', target({ lastScaleOutAt: NOW - 59_000 }), 2, cpu(90), 'scale-out cooldown'],
    ['scale-out suspended', target({ SuspendedState: { DynamicScalingOutSuspended: true } }), 2, cpu(90), 'suspended'],
    ['scale-in suspended', target({ SuspendedState: { DynamicScalingInSuspended: true } }), 4, cpu(10), 'suspended'],
    ['already at the minimum', target({ MinCapacity: 4 }), 4, cpu(10), 'at its target'],
    ['no task to measure', target(), 0, cpu(90), 'no task'],
  ])('holds: %s', (_name, t, current, metrics, reason) => {
    const decision = decideScaling({ target: t, current, metrics, now: NOW });
    expect(decision.kind).toBe('hold');
    expect(decision.kind === 'hold' && decision.reason).toContain(reason);
  });

  it('scales out when any policy asks, scales in only when all do', () => {
    const memory: ScalingPolicy = {
      ...tracking(),
      PolicyName: 'mem70',
      metric: 'ECSServiceAverageMemoryUtilization',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 },
    };
    const both = target({ policies: [tracking(), memory] });
    expect(
      decideScaling({
        target: both,
        current: 2,
        metrics: { ...cpu(10), ECSServiceAverageMemoryUtilization: 140 },
        now: NOW,
      }),
    ).toMatchObject({ kind: 'scale', direction: 'out', desiredCount: 4, policyName: 'mem70' });
    expect(
      decideScaling({
        target: both,
        current: 4,
        metrics: { ...cpu(10), ECSServiceAverageMemoryUtilization: 60 },
        now: NOW,
      }),
    ).toMatchObject({ kind: 'hold' });
  });

  it('names the alarm and the policy in its cause', () => {
    const decision = decideScaling({ target: target(), current: 2, metrics: cpu(90), now: NOW });
    expect(decision.kind === 'scale' && decision.cause).toBe(
      'monitor alarm TargetTracking-cpu50 in state ALARM (ECSServiceAverageCPUUtilization 90 against target 50) triggered policy cpu50',
    );
  });
});

describe('step scaling', () => {
  const steps = [
    { MetricIntervalUpperBound: 30, ScalingAdjustment: -1 },
    { MetricIntervalLowerBound: 30, MetricIntervalUpperBound: 70, ScalingAdjustment: 0 },
    { MetricIntervalLowerBound: 70, ScalingAdjustment: 2 },
  ];
  it.each([
    [10, steps[0]],
    [30, steps[1]],
    [69.9, steps[1]],
    [70, steps[2]],
  ])('value %s falls in its step', (value, step) => {
    expect(stepFor(steps, value)).toBe(step);
  });

  it.each([
    ['ChangeInCapacity', 3, 2, undefined, 5],
    ['ExactCapacity', 3, 7, undefined, 7],
    ['PercentChangeInCapacity', 10, 50, undefined, 15],
    ['PercentChangeInCapacity with a minimum magnitude', 2, 10, 2, 4],
    ['PercentChangeInCapacity rounding a small change to one', 2, -10, undefined, 1],
  ] as const)('%s', (type, current, by, magnitude, expected) => {
    const config = {
      AdjustmentType: type.split(' ')[0] as 'ChangeInCapacity',
      ...(magnitude !== undefined && { MinAdjustmentMagnitude: magnitude }),
    };
    expect(applyStep(config, { ScalingAdjustment: by }, current)).toBe(expected);
  });

  it('decides from the step the metric falls in, within min and max', () => {
    const policy: ScalingPolicy = {
      PolicyName: 'cpu-steps',
      PolicyARN: 'arn',
      PolicyType: 'StepScaling',
      metric: 'ECSServiceAverageCPUUtilization',
      StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: steps, Cooldown: 0 },
      CreationTime: 0,
    };
    const t = target({ policies: [policy], MaxCapacity: 4 });
    expect(decideScaling({ target: t, current: 3, metrics: cpu(95), now: NOW })).toMatchObject({
      kind: 'scale',
      desiredCount: 4,
    });
    expect(decideScaling({ target: t, current: 3, metrics: cpu(50), now: NOW })).toMatchObject({ kind: 'hold' });
  });
});
