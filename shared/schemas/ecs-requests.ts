import * as z from 'zod';
import { name255, tags } from './common.ts';
import { clusterSetting } from './cluster.ts';
import { placementConstraint } from './task-definition.ts';
import { placementStrategy, taskOverrideRequest } from './task.ts';
import { capacityProviderStrategy, networkConfiguration } from './traffic-requests.ts';
import { lazySchema } from './lazy-schema.ts';

/**
 * Request shapes of the ECS operations Berth serves, as @aws-sdk/client-ecs
 * sends them. Objects are strict: a field Berth does not know is an error
 * rather than something silently ignored.
 */

const clusterRef = z.string().min(1).max(2048).optional();
const maxResults = z.number().int().optional();
const nextToken = z.string().max(4096).optional();
const include = lazySchema(() => z.array(z.string()).optional());

export const createClusterRequest = lazySchema(() =>
  z.strictObject({
    clusterName: name255.optional(),
    tags: tags.optional(),
    settings: z.array(clusterSetting).max(1).optional(),
    capacityProviders: z.array(z.string().min(1)).max(20).optional(),
    defaultCapacityProviderStrategy: capacityProviderStrategy.optional(),
  }),
);

export const deleteClusterRequest = lazySchema(() => z.strictObject({ cluster: z.string().min(1) }));

export const describeClustersRequest = lazySchema(() =>
  z.strictObject({
    clusters: z.array(z.string()).max(100).optional(),
    include,
  }),
);

export const listClustersRequest = lazySchema(() => z.strictObject({ maxResults, nextToken }));

export const deregisterTaskDefinitionRequest = lazySchema(() => z.strictObject({ taskDefinition: z.string().min(1) }));

export const describeTaskDefinitionRequest = lazySchema(() =>
  z.strictObject({ taskDefinition: z.string().min(1), include }),
);

export const listTaskDefinitionsRequest = lazySchema(() =>
  z.strictObject({
    familyPrefix: z.string().optional(),
    status: z.enum(['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS']).optional(),
    sort: z.enum(['ASC', 'DESC']).optional(),
    maxResults,
    nextToken,
  }),
);

export const listTaskDefinitionFamiliesRequest = lazySchema(() =>
  z.strictObject({
    familyPrefix: z.string().optional(),
    status: z.enum(['ACTIVE', 'INACTIVE', 'ALL']).optional(),
    maxResults,
    nextToken,
  }),
);

export const runTaskRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    taskDefinition: z.string().min(1),
    count: z.number().int().optional(),
    startedBy: z.string().max(128).optional(),
    group: z.string().max(255).optional(),
    overrides: taskOverrideRequest.optional(),
    placementStrategy: z.array(placementStrategy).max(5).optional(),
    placementConstraints: z.array(placementConstraint).max(10).optional(),
    launchType: z.enum(['EC2', 'EXTERNAL']).optional(),
    capacityProviderStrategy: capacityProviderStrategy.optional(),
    tags: tags.optional(),
    clientToken: z.string().min(1).max(64).optional(),
    enableECSManagedTags: z.boolean().optional(),
    propagateTags: z.enum(['TASK_DEFINITION', 'SERVICE', 'NONE']).optional(),
    referenceId: z.string().optional(),
    enableExecuteCommand: z.boolean().optional(),
    networkConfiguration: networkConfiguration.optional(),
  }),
);
export type RunTaskRequest = z.infer<typeof runTaskRequest>;

export const stopTaskRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    task: z.string().min(1),
    reason: z.string().max(1024).optional(),
  }),
);

export const describeTasksRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    tasks: z.array(z.string()).min(1).max(100),
    include,
  }),
);

export const listTasksRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    containerInstance: z.string().optional(),
    family: z.string().optional(),
    startedBy: z.string().optional(),
    serviceName: z.string().optional(),
    desiredStatus: z.enum(['RUNNING', 'PENDING', 'STOPPED']).optional(),
    launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES']).optional(),
    maxResults,
    nextToken,
  }),
);

export const listContainerInstancesRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    filter: z.string().optional(),
    status: z.enum(['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED']).optional(),
    maxResults,
    nextToken,
  }),
);

export const describeContainerInstancesRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    containerInstances: z.array(z.string()).min(1).max(100),
    include,
  }),
);

export const deregisterContainerInstanceRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    containerInstance: z.string().min(1),
    force: z.boolean().optional(),
  }),
);
