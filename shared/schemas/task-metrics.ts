import * as z from 'zod';
import { lazySchema } from './lazy-schema.ts';

/** Most tasks' metrics one poll may carry; an agent runs far fewer. */
export const MAX_TASK_METRICS_PER_POLL = 200;

/**
 * One task's latest sample, summed over its containers, as the agent saw it
 * through the engine's stats. Units as ECS counts them: cpu in units (1024
 * per core), memory in MiB (usage less the page cache), network in bytes
 * since the containers started. The reservation is what the task spec asks
 * for; the control plane prefers the assignment's own.
 */
export const taskMetrics = lazySchema(() =>
  z.strictObject({
    taskId: z.string().min(1).max(64),
    /** Absent on a container's first sample: cpu needs two readings to give a rate. */
    cpuUsed: z.number().nonnegative().max(1_048_576).optional(),
    memoryUsedMiB: z.number().nonnegative().max(16_777_216),
    networkRxBytes: z.number().int().nonnegative().optional(),
    networkTxBytes: z.number().int().nonnegative().optional(),
    cpuReserved: z.number().int().nonnegative().optional(),
    memoryReservedMiB: z.number().int().nonnegative().optional(),
    /** When the engine took the sample, epoch milliseconds. */
    sampledAt: z.number().int().nonnegative(),
  }),
);
export type TaskMetrics = z.infer<typeof taskMetrics>;

export const pollMetrics = lazySchema(() => z.array(taskMetrics).max(MAX_TASK_METRICS_PER_POLL));
