import * as z from 'zod';
import { TASK_STATUSES } from './task-status.ts';
import { epochMs, keyValue, name255, tags } from './common.ts';
import { stopCode } from './stop-code-schemas.ts';
import { containerDefinition, placementConstraint } from './task-definition.ts';
import { networkConfiguration } from './traffic-requests.ts';
import { lazySchema } from './lazy-schema.ts';

export const taskStatus = z.enum(TASK_STATUSES);
export const desiredStatus = z.enum(['RUNNING', 'STOPPED']);

export const placementStrategy = lazySchema(() =>
  z.strictObject({
    type: z.enum(['random', 'spread', 'binpack']),
    field: z.string().max(255).optional(),
  }),
);
export type PlacementStrategy = z.infer<typeof placementStrategy>;

export const containerOverride = lazySchema(() =>
  z.strictObject({
    name: z.string().optional(),
    command: z.array(z.string()).optional(),
    environment: z.array(keyValue).optional(),
    cpu: z.number().int().nonnegative().optional(),
    memory: z.number().int().nonnegative().optional(),
    memoryReservation: z.number().int().nonnegative().optional(),
    /** Instead of the definition's, as ECS applies them. */
    environmentFiles: containerDefinition.shape.environmentFiles,
  }),
);

export const taskOverride = lazySchema(() =>
  z.strictObject({
    containerOverrides: z.array(containerOverride).optional(),
    cpu: z.string().optional(),
    memory: z.string().optional(),
    taskRoleArn: z.string().optional(),
    executionRoleArn: z.string().optional(),
  }),
);
export type TaskOverride = z.infer<typeof taskOverride>;

/**
 * Overrides as RunTask accepts them: each limit within the bounds a task
 * definition must meet, so an override cannot ask for what registration
 * refuses (memory 0 would mean "no limit" to the engine). Stored tasks keep
 * the lenient `taskOverride`, so items written before these bounds still read.
 */
export const containerOverrideRequest = lazySchema(() =>
  containerOverride.extend({
    name: containerDefinition.shape.name.optional(),
    cpu: containerDefinition.shape.cpu,
    memory: containerDefinition.shape.memory,
    memoryReservation: containerDefinition.shape.memoryReservation,
  }),
);

export const taskOverrideRequest = lazySchema(() =>
  taskOverride.extend({
    containerOverrides: z.array(containerOverrideRequest).max(10).optional(),
    cpu: z.string().min(1).max(32).optional(),
    memory: z.string().min(1).max(32).optional(),
    taskRoleArn: z.string().max(2048).optional(),
    executionRoleArn: z.string().max(2048).optional(),
  }),
);

export const networkBinding = lazySchema(() =>
  z.object({
    bindIP: z.string().optional(),
    containerPort: z.number().int().optional(),
    hostPort: z.number().int().optional(),
    protocol: z.enum(['tcp', 'udp']).optional(),
  }),
);

export const healthStatus = z.enum(['HEALTHY', 'UNHEALTHY', 'UNKNOWN']);

/** The awsvpcConfiguration a task or service was started with, as ECS echoes it. */
export const awsvpcConfiguration = lazySchema(() => networkConfiguration.shape.awsvpcConfiguration.unwrap());
export type AwsvpcConfiguration = z.infer<typeof awsvpcConfiguration>;

/**
 * An awsvpc task's interface: the attachment id DescribeTasks shows from
 * the start, the configuration it was launched with, and the address and
 * MAC its host's agent reports once it runs. `privateIpv4Address` is the
 * task's own address, reachable from its host.
 */
export const taskNetworkInterface = lazySchema(() =>
  z.object({
    attachmentId: z.string(),
    awsvpcConfiguration: awsvpcConfiguration.optional(),
    privateIpv4Address: z.string().optional(),
    macAddress: z.string().optional(),
    /**
     * The definition's TCP container ports, in definition order. The task is
     * reached at its own address on these, and its containers report no host
     * bindings, so the DNS view takes its SRV ports from here (shared/dns/).
     */
    ports: z.array(z.object({ containerName: z.string(), containerPort: z.number().int() })).optional(),
  }),
);
export type TaskNetworkInterface = z.infer<typeof taskNetworkInterface>;

export const taskContainer = lazySchema(() =>
  z.object({
    containerId: z.string(),
    name: z.string(),
    image: z.string(),
    imageDigest: z.string().optional(),
    runtimeId: z.string().optional(),
    lastStatus: taskStatus,
    exitCode: z.number().int().optional(),
    reason: z.string().optional(),
    networkBindings: z.array(networkBinding),
    healthStatus: healthStatus.optional(),
    cpu: z.number().int().optional(),
    memory: z.number().int().optional(),
    memoryReservation: z.number().int().optional(),
    essential: z.boolean(),
  }),
);
export type TaskContainer = z.infer<typeof taskContainer>;

export const task = lazySchema(() =>
  z.object({
    taskId: z.string(),
    clusterName: name255,
    taskDefinitionArn: z.string(),
    family: name255,
    revision: z.number().int().positive(),
    containerInstanceId: z.string().optional(),
    lastStatus: taskStatus,
    desiredStatus: desiredStatus,
    /** Task-level reservation used by placement (cpu units, MiB, static host ports). */
    cpu: z.number().int().nonnegative(),
    memory: z.number().int().nonnegative(),
    ports: z.array(z.number().int()),
    portsUdp: z.array(z.number().int()).default([]),
    /** GPUs the task needs (resourceRequirements); absent means none. */
    gpus: z.number().int().positive().optional(),
    containers: z.array(taskContainer),
    overrides: taskOverride,
    startedBy: z.string().max(128).optional(),
    group: z.string().max(255).optional(),
    placementStrategy: z.array(placementStrategy),
    placementConstraints: z.array(placementConstraint),
    tags: tags,
    healthStatus: healthStatus.optional(),
    createdAt: epochMs,
    pullStartedAt: epochMs.optional(),
    pullStoppedAt: epochMs.optional(),
    startedAt: epochMs.optional(),
    stoppingAt: epochMs.optional(),
    executionStoppedAt: epochMs.optional(),
    stoppedAt: epochMs.optional(),
    stopCode: stopCode.optional(),
    stoppedReason: z.string().max(1024).optional(),
    /** Highest agent report sequence number applied; older reports are ignored. */
    reportSeq: z.number().int().nonnegative(),
    /** True when an essential container has a health check: then RUNNING alone is not healthy. */
    healthChecked: z.boolean().default(false),
    /** A task that may only run on this instance (a DAEMON service's task). */
    pinnedInstanceId: z.string().optional(),
    /** Seed for placement choices, so a retried placement decides the same way. */
    placementSeed: z.number().int(),
    /** Task scale-in protection (UpdateTaskProtection): protected until this moment, then no longer. */
    protectedUntil: epochMs.optional(),
    /** An awsvpc task's own interface (docs/networking.md); absent in every other network mode. */
    networkInterface: taskNetworkInterface.optional(),
    /** The capacity provider whose instances run it (RunTask's or its service's strategy). */
    capacityProviderName: z.string().optional(),
    /**
     * Load balancer registration (docs/load-balancers.md): when the task was
     * first registered in its service's target groups, and once it is stopping,
     * until when it drains before its agent is told to stop it; and what the
     * load balancer last said of its targets (target-health.ts).
     */
    traffic: z
      .object({
        registeredAt: epochMs,
        drainUntil: epochMs.optional(),
        targets: z.enum(['healthy', 'unhealthy', 'pending']).optional(),
        /** The target group that reports it unhealthy, when `targets` is unhealthy. */
        unhealthyIn: z.string().optional(),
      })
      .optional(),
  }),
);
export type Task = z.infer<typeof task>;
