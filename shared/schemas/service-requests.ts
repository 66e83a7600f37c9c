import * as z from 'zod';
import { name255, tags } from './common.ts';
import { deploymentConfiguration } from './service.ts';
import { placementConstraint } from './task-definition.ts';
import { placementStrategy } from './task.ts';
import {
  capacityProviderStrategy,
  loadBalancers,
  networkConfiguration,
  serviceRegistries,
} from './traffic-requests.ts';
import { MAX_SERVICE_TARGET_GROUPS } from './service-load-balancer.ts';
import { lazySchema } from './lazy-schema.ts';

const clusterRef = z.string().min(1).max(2048).optional();

export const createServiceRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    serviceName: name255,
    taskDefinition: z.string().min(1).optional(),
    desiredCount: z.number().int().optional(),
    clientToken: z.string().min(1).max(36).optional(),
    launchType: z.enum(['EC2', 'EXTERNAL']).optional(),
    capacityProviderStrategy: capacityProviderStrategy.optional(),
    deploymentConfiguration: deploymentConfiguration.optional(),
    placementConstraints: z.array(placementConstraint).max(10).optional(),
    placementStrategy: z.array(placementStrategy).max(5).optional(),
    healthCheckGracePeriodSeconds: z.number().int().min(0).max(2147483647).optional(),
    schedulingStrategy: z.enum(['REPLICA', 'DAEMON']).optional(),
    deploymentController: z.strictObject({ type: z.enum(['ECS', 'CODE_DEPLOY', 'EXTERNAL']) }).optional(),
    tags: tags.optional(),
    enableECSManagedTags: z.boolean().optional(),
    propagateTags: z.enum(['TASK_DEFINITION', 'SERVICE', 'NONE']).optional(),
    enableExecuteCommand: z.boolean().optional(),
    loadBalancers: loadBalancers.max(MAX_SERVICE_TARGET_GROUPS).optional(),
    serviceRegistries: serviceRegistries.optional(),
    networkConfiguration: networkConfiguration.optional(),
  }),
);
export type CreateServiceRequest = z.infer<typeof createServiceRequest>;

export const updateServiceRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    service: z.string().min(1),
    desiredCount: z.number().int().optional(),
    taskDefinition: z.string().min(1).optional(),
    deploymentConfiguration: deploymentConfiguration.optional(),
    placementConstraints: z.array(placementConstraint).max(10).optional(),
    placementStrategy: z.array(placementStrategy).max(5).optional(),
    capacityProviderStrategy: capacityProviderStrategy.optional(),
    forceNewDeployment: z.boolean().optional(),
    healthCheckGracePeriodSeconds: z.number().int().min(0).max(2147483647).optional(),
    enableExecuteCommand: z.boolean().optional(),
    enableECSManagedTags: z.boolean().optional(),
    propagateTags: z.enum(['TASK_DEFINITION', 'SERVICE', 'NONE']).optional(),
    loadBalancers: loadBalancers.max(MAX_SERVICE_TARGET_GROUPS).optional(),
    serviceRegistries: serviceRegistries.optional(),
    networkConfiguration: networkConfiguration.optional(),
  }),
);
export type UpdateServiceRequest = z.infer<typeof updateServiceRequest>;

export const deleteServiceRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    service: z.string().min(1),
    force: z.boolean().optional(),
  }),
);

export const describeServicesRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    services: z.array(z.string()).min(1).max(10),
    include: z.array(z.string()).optional(),
  }),
);

export const listServicesRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    nextToken: z.string().optional(),
    maxResults: z.number().int().optional(),
    launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES']).optional(),
    schedulingStrategy: z.enum(['REPLICA', 'DAEMON']).optional(),
  }),
);

export const listServiceDeploymentsRequest = lazySchema(() =>
  z.strictObject({
    service: z.string().min(1),
    cluster: clusterRef,
    status: z.array(z.string()).optional(),
    createdAt: z.strictObject({ before: z.number().optional(), after: z.number().optional() }).optional(),
    nextToken: z.string().optional(),
    maxResults: z.number().int().optional(),
  }),
);

export const describeServiceDeploymentsRequest = lazySchema(() =>
  z.strictObject({
    serviceDeploymentArns: z.array(z.string()).min(1).max(20),
  }),
);

export const stopServiceDeploymentRequest = lazySchema(() =>
  z.strictObject({
    serviceDeploymentArn: z.string().min(1),
    stopType: z.enum(['ROLLBACK', 'ABORT']).optional(),
  }),
);

export const updateContainerInstancesStateRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    containerInstances: z.array(z.string()).min(1).max(10),
    status: z.enum(['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED']),
  }),
);
