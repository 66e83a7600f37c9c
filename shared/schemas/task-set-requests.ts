import * as z from 'zod';
import { tags } from './common.ts';
import { scale } from './task-set.ts';

const clusterRef = z.string().min(1).max(2048);
const serviceRef = z.string().min(1).max(2048);
const taskSetRef = z.string().min(1).max(2048);

export const createTaskSetRequest = z.strictObject({
  service: serviceRef,
  cluster: clusterRef,
  externalId: z.string().max(255).optional(),
  taskDefinition: z.string().min(1),
  networkConfiguration: z.record(z.string(), z.unknown()).optional(),
  loadBalancers: z.array(z.record(z.string(), z.unknown())).optional(),
  serviceRegistries: z.array(z.record(z.string(), z.unknown())).optional(),
  launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES']).optional(),
  capacityProviderStrategy: z.array(z.record(z.string(), z.unknown())).optional(),
  platformVersion: z.string().optional(),
  scale: scale.optional(),
  clientToken: z.string().min(1).max(36).optional(),
  tags: tags.optional(),
});
export type CreateTaskSetRequest = z.infer<typeof createTaskSetRequest>;

export const updateTaskSetRequest = z.strictObject({
  cluster: clusterRef,
  service: serviceRef,
  taskSet: taskSetRef,
  scale: scale,
});

export const deleteTaskSetRequest = z.strictObject({
  cluster: clusterRef,
  service: serviceRef,
  taskSet: taskSetRef,
  force: z.boolean().optional(),
});

export const describeTaskSetsRequest = z.strictObject({
  cluster: clusterRef,
  service: serviceRef,
  taskSets: z.array(taskSetRef).max(100).optional(),
  include: z.array(z.literal('TAGS')).optional(),
});

export const updateServicePrimaryTaskSetRequest = z.strictObject({
  cluster: clusterRef,
  service: serviceRef,
  primaryTaskSet: taskSetRef,
});
