import * as z from 'zod';
import { epochMs, tags } from './common.ts';
import { lazySchema } from './lazy-schema.ts';

/** A share of the service's desiredCount; ECS knows only PERCENT. */
export const scale = lazySchema(() =>
  z.strictObject({
    value: z.number().min(0).max(100).optional(),
    unit: z.literal('PERCENT').optional(),
  }),
);

/**
 * A task set of a service with the EXTERNAL deployment controller: one task
 * definition run at a share of the service's desiredCount. Kept inside the
 * service item, so switching the PRIMARY one is a single conditional write.
 */
export const taskSet = lazySchema(() =>
  z.object({
    /** `ecs-svc/` and 19 digits, like a deployment id; its tasks carry it as startedBy. */
    id: z.string(),
    externalId: z.string().optional(),
    /** PRIMARY serves production traffic; DRAINING is deleted and stopping its tasks. */
    status: z.enum(['PRIMARY', 'ACTIVE', 'DRAINING']),
    taskDefinitionArn: z.string(),
    launchType: z.enum(['EC2', 'EXTERNAL']),
    /** Percent of the service's desiredCount, 0 to 100. */
    scalePercent: z.number().min(0).max(100),
    computedDesiredCount: z.number().int().nonnegative(),
    pendingCount: z.number().int().nonnegative(),
    runningCount: z.number().int().nonnegative(),
    stabilityStatus: z.enum(['STEADY_STATE', 'STABILIZING']),
    stabilityStatusAt: epochMs,
    tags: tags,
    clientToken: z.string().optional(),
    createdAt: epochMs,
    updatedAt: epochMs,
  }),
);
export type TaskSet = z.infer<typeof taskSet>;

/** ECS's computedDesiredCount: the share of desiredCount, rounded up. */
export function computedDesiredCount(desiredCount: number, scalePercent: number): number {
  // The tolerance keeps float noise (3 × 33.333333333 %) from adding a task; max() avoids -0.
  return Math.max(0, Math.ceil((desiredCount * scalePercent) / 100 - 1e-9));
}
