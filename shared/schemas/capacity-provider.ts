import * as z from 'zod';
import { epochMs, name255, tags } from './common.ts';
import { lazySchema } from './lazy-schema.ts';

/**
 * A capacity provider: a fleet of EC2 instances launched from one launch
 * template, grown and shrunk by the monitor (docs/scaling.md, Capacity
 * providers). Berth takes ECS's `autoScalingGroupProvider` shape; its
 * `autoScalingGroupArn` names the launch template (docs/decisions.md).
 */
export const managedScaling = lazySchema(() =>
  z.strictObject({
    status: z.enum(['ENABLED', 'DISABLED']).optional(),
    targetCapacity: z.number().int().min(1).max(100).optional(),
    minimumScalingStepSize: z.number().int().min(1).max(10000).optional(),
    maximumScalingStepSize: z.number().int().min(1).max(10000).optional(),
    instanceWarmupPeriod: z.number().int().min(0).max(10000).optional(),
  }),
);
export type ManagedScaling = z.infer<typeof managedScaling>;

const onOff = z.enum(['ENABLED', 'DISABLED']);

/** Scaling as stored: every setting resolved to ECS's default. */
export const resolvedScaling = lazySchema(() =>
  z.strictObject({
    status: onOff,
    targetCapacity: z.number().int(),
    minimumScalingStepSize: z.number().int(),
    maximumScalingStepSize: z.number().int(),
    instanceWarmupPeriod: z.number().int(),
  }),
);
export type ResolvedScaling = z.infer<typeof resolvedScaling>;

export const capacityProvider = lazySchema(() =>
  z.object({
    name: name255,
    status: z.enum(['ACTIVE', 'INACTIVE']),
    updateStatus: z.enum(['UPDATE_COMPLETE', 'DELETE_COMPLETE']).optional(),
    /** The launch template ARN as given (`autoScalingGroupArn`). */
    autoScalingGroupArn: z.string(),
    /** The template's id (`lt-...`), parsed from that ARN. */
    launchTemplateId: z.string(),
    managedScaling: resolvedScaling,
    managedTerminationProtection: onOff,
    managedDraining: onOff,
    minInstances: z.number().int().nonnegative(),
    maxInstances: z.number().int().nonnegative(),
    /** An empty ACTIVE instance is drained after this long (tag berth:scale-in-after-seconds). */
    scaleInAfterSeconds: z.number().int().nonnegative().default(900),
    tags: tags,
    createdAt: epochMs,
    /** The monitor's launches, so a pass does not launch again while they warm up. */
    launches: z.array(z.object({ at: epochMs, ec2InstanceIds: z.array(z.string()) })).default([]),
    /** Since when each of its instances has been empty, by container instance id. */
    idleSince: z.record(z.string(), epochMs).default({}),
  }),
);
export type CapacityProvider = z.infer<typeof capacityProvider>;
