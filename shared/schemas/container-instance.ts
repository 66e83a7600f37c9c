import * as z from 'zod';
import { epochMs, name255, tags } from './common.ts';
import { lazySchema } from './lazy-schema.ts';

export const attribute = lazySchema(() =>
  z.strictObject({
    name: z.string().min(1).max(128),
    value: z.string().max(128).optional(),
    targetType: z.literal('container-instance').optional(),
    targetId: z.string().optional(),
  }),
);
export type Attribute = z.infer<typeof attribute>;

export const resources = lazySchema(() =>
  z.object({
    /** CPU units: 1024 per core. */
    cpu: z.number().int().nonnegative(),
    /** MiB. */
    memory: z.number().int().nonnegative(),
    /** GPUs the host offers; absent means none (the agent detects none yet). */
    gpus: z.number().int().nonnegative().optional(),
    /** Host TCP ports that are taken and must never be handed to a task. */
    ports: z.array(z.number().int().min(1).max(65535)),
    portsUdp: z.array(z.number().int().min(1).max(65535)).default([]),
  }),
);
export type Resources = z.infer<typeof resources>;

/**
 * A task assigned to an instance. The instance item is the single authority
 * on what is reserved on it: placement adds an assignment with a conditional
 * write on this one item, so two schedulers can never over-commit it.
 */
export const assignment = lazySchema(() =>
  z.object({
    taskId: z.string(),
    taskDefinitionArn: z.string(),
    desiredStatus: z.enum(['RUNNING', 'STOPPED']),
    cpu: z.number().int().nonnegative(),
    memory: z.number().int().nonnegative(),
    ports: z.array(z.number().int()),
    portsUdp: z.array(z.number().int()).default([]),
    /** Service or group the task belongs to; spread and distinctInstance read it. */
    group: z.string().optional(),
    assignedAt: epochMs,
    /**
     * The instance's generation that added it: a poll from an agent at an
     * older version carries this task's spec along (absent on older items).
     */
    assignedGeneration: z.number().int().positive().optional(),
  }),
);
export type Assignment = z.infer<typeof assignment>;

export const containerInstance = lazySchema(() =>
  z.object({
    id: z.string(),
    clusterName: name255,
    status: z.enum(['ACTIVE', 'DRAINING', 'INACTIVE', 'REGISTERING', 'DEREGISTERING']),
    ec2InstanceId: z.string().optional(),
    registered: resources,
    attributes: z.array(attribute),
    /** Set by TagResource; instances registered before tags existed have none. */
    tags: tags.optional(),
    assignments: z.record(z.string(), assignment),
    agentVersion: z.string().optional(),
    dockerVersion: z.string().optional(),
    registeredAt: epochMs,
    /**
     * When the agent last (re)connected: registration, re-registration. Its
     * lease renewals go to a small item of their own (instanceLease), so a
     * heartbeat never rewrites this item and its assignments.
     */
    heartbeatAt: epochMs,
    agentConnected: z.boolean(),
    /**
     * Raised whenever what the agent must act on changes (assignments, status),
     * but not by heartbeats: an agent whose known generation is current gets a
     * short answer to its poll.
     */
    generation: z.number().int().nonnegative(),
    /** Raised each time the instance is declared disconnected; fences stale agents. */
    epoch: z.number().int().nonnegative(),
    statusReason: z.string().optional(),
  }),
);
export type ContainerInstance = z.infer<typeof containerInstance>;

/**
 * An agent's lease, apart from its instance: renewed every other poll or so,
 * it is one small write whatever the host runs. `fenced` is set by the
 * monitor before it declares the instance disconnected, so a renewal racing
 * that decision fails instead of being lost.
 */
export const instanceLease = lazySchema(() =>
  z.object({
    clusterName: name255,
    instanceId: z.string(),
    renewedAt: epochMs,
    fenced: z.boolean().default(false),
  }),
);
export type InstanceLease = z.infer<typeof instanceLease>;
