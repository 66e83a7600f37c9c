import * as z from 'zod';
import { lazySchema } from './lazy-schema.ts';

/**
 * A service's scalable target as Berth stores it: one item holding the
 * target, its scaling policies, its scheduled actions and its recent
 * activities, so deregistering removes all of them in one write and an
 * evaluation reads one item.
 */

export const SCALABLE_DIMENSION = 'ecs:service:DesiredCount';
export const PREDEFINED_METRICS = ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization'] as const;
export type PredefinedMetric = (typeof PREDEFINED_METRICS)[number];

export const suspendedState = lazySchema(() =>
  z.strictObject({
    DynamicScalingInSuspended: z.boolean().optional(),
    DynamicScalingOutSuspended: z.boolean().optional(),
    ScheduledScalingSuspended: z.boolean().optional(),
  }),
);

export const stepAdjustment = lazySchema(() =>
  z.strictObject({
    MetricIntervalLowerBound: z.number().optional(),
    MetricIntervalUpperBound: z.number().optional(),
    ScalingAdjustment: z.number().int(),
  }),
);
export type StepAdjustment = z.infer<typeof stepAdjustment>;

const predefinedMetric = lazySchema(() =>
  z.strictObject({
    PredefinedMetricType: z.string(),
    ResourceLabel: z.string().max(1023).optional(),
  }),
);

export const stepScalingConfiguration = lazySchema(() =>
  z.strictObject({
    AdjustmentType: z.enum(['ChangeInCapacity', 'PercentChangeInCapacity', 'ExactCapacity']).optional(),
    StepAdjustments: z.array(stepAdjustment).max(20).optional(),
    MinAdjustmentMagnitude: z.number().int().optional(),
    Cooldown: z.number().int().optional(),
    MetricAggregationType: z.enum(['Average', 'Minimum', 'Maximum']).optional(),
  }),
);
export type StepScalingConfiguration = z.infer<typeof stepScalingConfiguration>;

export const targetTrackingConfiguration = lazySchema(() =>
  z.strictObject({
    TargetValue: z.number(),
    PredefinedMetricSpecification: predefinedMetric.optional(),
    CustomizedMetricSpecification: z.record(z.string(), z.unknown()).optional(),
    ScaleOutCooldown: z.number().int().optional(),
    ScaleInCooldown: z.number().int().optional(),
    DisableScaleIn: z.boolean().optional(),
  }),
);
export type TargetTrackingConfiguration = z.infer<typeof targetTrackingConfiguration>;

export const scalingPolicy = lazySchema(() =>
  z.object({
    PolicyName: z.string(),
    PolicyARN: z.string(),
    PolicyType: z.enum(['TargetTrackingScaling', 'StepScaling']),
    StepScalingPolicyConfiguration: stepScalingConfiguration.optional(),
    TargetTrackingScalingPolicyConfiguration: targetTrackingConfiguration.optional(),
    /** The metric a step policy reads: Berth has no CloudWatch alarm, so the policy names one (docs/scaling.md). */
    metric: z.enum(PREDEFINED_METRICS),
    CreationTime: z.number(),
  }),
);
export type ScalingPolicy = z.infer<typeof scalingPolicy>;

export const scheduledAction = lazySchema(() =>
  z.object({
    ScheduledActionName: z.string(),
    ScheduledActionARN: z.string(),
    Schedule: z.string(),
    Timezone: z.string().optional(),
    StartTime: z.number().optional(),
    EndTime: z.number().optional(),
    ScalableTargetAction: z.object({
      MinCapacity: z.number().int().optional(),
      MaxCapacity: z.number().int().optional(),
    }),
    CreationTime: z.number(),
    /** Epoch ms up to which the schedule has been looked at: a time at or before it never fires again. */
    checkedUntil: z.number(),
  }),
);
export type ScheduledAction = z.infer<typeof scheduledAction>;

export const scalingActivity = lazySchema(() =>
  z.object({
    ActivityId: z.string(),
    Description: z.string(),
    Cause: z.string(),
    StartTime: z.number(),
    EndTime: z.number().optional(),
    StatusCode: z.enum(['Pending', 'InProgress', 'Successful', 'Overridden', 'Unfulfilled', 'Failed']),
    StatusMessage: z.string().optional(),
  }),
);
export type ScalingActivity = z.infer<typeof scalingActivity>;

export const scalableTarget = lazySchema(() =>
  z.object({
    clusterName: z.string(),
    serviceName: z.string(),
    ScalableTargetARN: z.string(),
    MinCapacity: z.number().int(),
    MaxCapacity: z.number().int(),
    RoleARN: z.string(),
    SuspendedState: suspendedState,
    CreationTime: z.number(),
    policies: z.array(scalingPolicy),
    scheduledActions: z.array(scheduledAction),
    /** Newest first, the last 50. */
    activities: z.array(scalingActivity),
    /** Epoch ms of the last scale-out and scale-in a policy made: the cooldowns count from them. */
    lastScaleOutAt: z.number().optional(),
    lastScaleInAt: z.number().optional(),
  }),
);
export type ScalableTarget = z.infer<typeof scalableTarget>;
