import * as z from 'zod';
import { epochMs, name255, tags } from './common.ts';
import { placementConstraint } from './task-definition.ts';
import { placementStrategy } from './task.ts';
import { taskSet } from './task-set.ts';
import { capacityProviderStrategy, networkConfiguration } from './traffic-requests.ts';
import { serviceLoadBalancer } from './service-load-balancer.ts';
import { serviceRegistry } from './service-registry.ts';
import { lazySchema } from './lazy-schema.ts';

export const circuitBreaker = lazySchema(() => z.strictObject({ enable: z.boolean(), rollback: z.boolean() }));

export const deploymentConfiguration = lazySchema(() =>
  z.strictObject({
    minimumHealthyPercent: z.number().int().min(0).max(100).optional(),
    maximumPercent: z.number().int().min(0).max(200).optional(),
    deploymentCircuitBreaker: circuitBreaker.optional(),
    strategy: z.literal('ROLLING').optional(),
  }),
);
export type DeploymentConfiguration = z.infer<typeof deploymentConfiguration>;

/** What ServiceDeployment.status can be, as ECS names them. */
export const serviceDeploymentStatus = z.enum([
  'PENDING',
  'IN_PROGRESS',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
]);

export const deployment = lazySchema(() =>
  z.object({
    id: z.string(),
    /** PRIMARY is the one being rolled out; ACTIVE ones still have tasks to drain. */
    status: z.enum(['PRIMARY', 'ACTIVE', 'INACTIVE']),
    taskDefinitionArn: z.string(),
    desiredCount: z.number().int().nonnegative(),
    runningCount: z.number().int().nonnegative(),
    pendingCount: z.number().int().nonnegative(),
    failedTasks: z.number().int().nonnegative(),
    rolloutState: z.enum(['IN_PROGRESS', 'COMPLETED', 'FAILED']),
    rolloutStateReason: z.string(),
    deploymentStatus: serviceDeploymentStatus,
    /** The deployment this one rolls back, when it is a rollback. */
    rollbackOf: z.string().optional(),
    /** The deployments that were running when this one started. */
    sourceIds: z.array(z.string()),
    /** awsvpc: the configuration this deployment's tasks are launched with. */
    networkConfiguration: networkConfiguration.optional(),
    createdAt: epochMs,
    updatedAt: epochMs,
    finishedAt: epochMs.optional(),
  }),
);
export type Deployment = z.infer<typeof deployment>;

export const serviceEvent = lazySchema(() => z.object({ id: z.string(), createdAt: epochMs, message: z.string() }));
export type ServiceEvent = z.infer<typeof serviceEvent>;

export const service = lazySchema(() =>
  z.object({
    serviceName: name255,
    clusterName: name255,
    status: z.enum(['ACTIVE', 'DRAINING', 'INACTIVE']),
    schedulingStrategy: z.enum(['REPLICA', 'DAEMON']),
    /** ECS rolls out deployments itself; EXTERNAL leaves them to the user's task sets. */
    deploymentController: z.enum(['ECS', 'EXTERNAL']).default('ECS'),
    /** EXTERNAL only: the task sets, in the order they were created. */
    taskSets: z.array(taskSet).default([]),
    desiredCount: z.number().int().nonnegative(),
    runningCount: z.number().int().nonnegative(),
    pendingCount: z.number().int().nonnegative(),
    /** EXTERNAL: the PRIMARY task set's, or '' while there is none. */
    taskDefinitionArn: z.string(),
    minimumHealthyPercent: z.number().int(),
    maximumPercent: z.number().int(),
    circuitBreaker: circuitBreaker,
    placementStrategy: z.array(placementStrategy),
    placementConstraints: z.array(placementConstraint),
    healthCheckGracePeriodSeconds: z.number().int().nonnegative(),
    /** ELBv2 target groups its tasks are registered in (docs/load-balancers.md). */
    loadBalancers: z.array(serviceLoadBalancer).default([]),
    /** Cloud Map services its tasks are registered in (docs/networking.md, Cloud Map). */
    serviceRegistries: z.array(serviceRegistry).optional(),
    /** awsvpc: the checked configuration new deployments take (docs/networking.md). */
    networkConfiguration: networkConfiguration.optional(),
    /**
     * What to do with tasks on an instance that stops heartbeating: replace
     * them elsewhere (the default), or wait for the instance to come back, so
     * that a singleton never runs twice. Set with the tag `berth:on-disconnect`.
     */
    onDisconnect: z.enum(['replace', 'wait']),
    tags: tags,
    /** Where the service's tasks take their tags from; NONE when absent. */
    propagateTags: z.enum(['TASK_DEFINITION', 'SERVICE', 'NONE']).optional(),
    /** Whether its tasks carry `aws:ecs:clusterName` and `aws:ecs:serviceName`. */
    enableECSManagedTags: z.boolean().optional(),
    clientToken: z.string().optional(),
    createdAt: epochMs,
    /** Current deployments, PRIMARY first. */
    deployments: z.array(deployment),
    /** Finished deployments, newest first, at most 20. */
    history: z.array(deployment),
    /** Newest first, at most 100. */
    events: z.array(serviceEvent),
    /** Raised by every reconcile that starts or stops tasks: fences concurrent passes. */
    reconcileSeq: z.number().int().nonnegative(),
    /**
     * What the last acting pass set out to do, written before it did it. A pass
     * whose task snapshot does not show these yet is working from stale data
     * and must not act (see control/reconcile/reconcile-services.ts).
     */
    lastPass: z
      .object({ at: epochMs, started: z.array(z.string()), stopped: z.array(z.string()) })
      .default({ at: 0, started: [], stopped: [] }),
    /** The service's own capacity provider strategy (docs/scaling.md, Capacity providers). */
    capacityProviderStrategy: capacityProviderStrategy.optional(),
  }),
);
export type Service = z.infer<typeof service>;
