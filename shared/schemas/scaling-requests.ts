import * as z from 'zod';
import { stepScalingConfiguration, suspendedState, targetTrackingConfiguration } from './scaling.ts';
import { lazySchema } from './lazy-schema.ts';

/**
 * Application Auto Scaling's requests, members as its model spells them
 * (PascalCase). The namespace, resource id and dimension are checked by the
 * operations, which answer Application Auto Scaling's own messages.
 */

const resourceId = z.string().min(1).max(1600);
const name = z.string().min(1).max(256);
const maxResults = z.number().int().min(1).max(50).optional();
const nextToken = z.string().max(2048).optional();
const target = { ServiceNamespace: z.string(), ResourceId: resourceId, ScalableDimension: z.string() };
const filters = {
  ServiceNamespace: z.string(),
  ResourceId: resourceId.optional(),
  ScalableDimension: z.string().optional(),
  MaxResults: maxResults,
  NextToken: nextToken,
};
/** JSON 1.1 timestamps are epoch seconds (fractions allowed). */
const timestamp = z.number();

export const registerScalableTargetRequest = lazySchema(() =>
  z.strictObject({
    ...target,
    MinCapacity: z.number().int().optional(),
    MaxCapacity: z.number().int().optional(),
    RoleARN: z.string().min(1).max(1600).optional(),
    SuspendedState: suspendedState.optional(),
    Tags: z.record(z.string(), z.string()).optional(),
  }),
);
export type RegisterScalableTargetRequest = z.infer<typeof registerScalableTargetRequest>;

export const describeScalableTargetsRequest = lazySchema(() =>
  z.strictObject({
    ServiceNamespace: z.string(),
    ResourceIds: z.array(resourceId).max(50).optional(),
    ScalableDimension: z.string().optional(),
    MaxResults: maxResults,
    NextToken: nextToken,
  }),
);
export type DescribeScalableTargetsRequest = z.infer<typeof describeScalableTargetsRequest>;

export const deregisterScalableTargetRequest = lazySchema(() => z.strictObject(target));
export type TargetRequest = z.infer<typeof deregisterScalableTargetRequest>;

export const putScalingPolicyRequest = lazySchema(() =>
  z.strictObject({
    ...target,
    PolicyName: name,
    PolicyType: z.string().optional(),
    StepScalingPolicyConfiguration: stepScalingConfiguration.optional(),
    TargetTrackingScalingPolicyConfiguration: targetTrackingConfiguration.optional(),
    PredictiveScalingPolicyConfiguration: z.record(z.string(), z.unknown()).optional(),
  }),
);
export type PutScalingPolicyRequest = z.infer<typeof putScalingPolicyRequest>;

export const describeScalingPoliciesRequest = lazySchema(() =>
  z.strictObject({
    ...filters,
    PolicyNames: z.array(name).max(50).optional(),
  }),
);
export type DescribeScalingPoliciesRequest = z.infer<typeof describeScalingPoliciesRequest>;

export const deleteScalingPolicyRequest = lazySchema(() => z.strictObject({ ...target, PolicyName: name }));
export type DeleteScalingPolicyRequest = z.infer<typeof deleteScalingPolicyRequest>;

export const putScheduledActionRequest = lazySchema(() =>
  z.strictObject({
    ...target,
    ScheduledActionName: name,
    Schedule: z.string().min(1).max(1600).optional(),
    Timezone: z.string().min(1).max(1600).optional(),
    StartTime: timestamp.optional(),
    EndTime: timestamp.optional(),
    ScalableTargetAction: z
      .strictObject({ MinCapacity: z.number().int().optional(), MaxCapacity: z.number().int().optional() })
      .optional(),
  }),
);
export type PutScheduledActionRequest = z.infer<typeof putScheduledActionRequest>;

export const describeScheduledActionsRequest = lazySchema(() =>
  z.strictObject({
    ...filters,
    ScheduledActionNames: z.array(name).max(50).optional(),
  }),
);
export type DescribeScheduledActionsRequest = z.infer<typeof describeScheduledActionsRequest>;

export const deleteScheduledActionRequest = lazySchema(() => z.strictObject({ ...target, ScheduledActionName: name }));
export type DeleteScheduledActionRequest = z.infer<typeof deleteScheduledActionRequest>;

export const describeScalingActivitiesRequest = lazySchema(() =>
  z.strictObject({
    ...filters,
    IncludeNotScaledActivities: z.boolean().optional(),
  }),
);
export type DescribeScalingActivitiesRequest = z.infer<typeof describeScalingActivitiesRequest>;
