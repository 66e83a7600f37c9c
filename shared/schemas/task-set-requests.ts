import * as z from 'zod';
import { tags } from './common.ts';
import { scale } from './task-set.ts';
import { lazySchema } from './lazy-schema.ts';

const clusterRef = z.string().min(1).max(2048);
const serviceRef = z.string().min(1).max(2048);
const taskSetRef = z.string().min(1).max(2048);

/**
 * Traffic members (loadBalancers, serviceRegistries, networkConfiguration),
 * capacityProviderStrategy and platformVersion are answered by the model's
 * member gate before this schema runs (functions/api/ecs/model/answers.ts).
 */
export const createTaskSetRequest = lazySchema(() =>
  z.strictObject({
    service: serviceRef,
    cluster: clusterRef,
    externalId: z.string().max(255).optional(),
    taskDefinition: z.string().min(1),
    launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES']).optional(),
    scale: scale.optional(),
    clientToken: z.string().min(1).max(36).optional(),
    tags: tags.optional(),
  }),
);
export type CreateTaskSetRequest = z.infer<typeof createTaskSetRequest>;

export const updateTaskSetRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    service: serviceRef,
    taskSet: taskSetRef,
    scale: scale,
  }),
);

export const deleteTaskSetRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    service: serviceRef,
    taskSet: taskSetRef,
    force: z.boolean().optional(),
  }),
);

export const describeTaskSetsRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    service: serviceRef,
    taskSets: z.array(taskSetRef).max(100).optional(),
    include: z.array(z.literal('TAGS')).optional(),
  }),
);

export const updateServicePrimaryTaskSetRequest = lazySchema(() =>
  z.strictObject({
    cluster: clusterRef,
    service: serviceRef,
    primaryTaskSet: taskSetRef,
  }),
);
