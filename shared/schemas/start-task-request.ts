import * as z from 'zod';
import { runTaskRequest } from './ecs-requests.ts';
import { lazySchema } from './lazy-schema.ts';

/**
 * StartTask: RunTask's members but for those that choose instances (count,
 * placement strategy and constraints, launch type, capacity) and the client
 * token, which ECS's StartTask does not have; instead 1 to 10 named
 * container instances, one task started on each.
 */
export const startTaskRequest = lazySchema(() =>
  runTaskRequest
    .omit({ count: true, placementStrategy: true, placementConstraints: true, launchType: true, clientToken: true })
    .extend({ containerInstances: z.array(z.string().min(1)).min(1).max(10) }),
);
export type StartTaskRequest = z.infer<typeof startTaskRequest>;
