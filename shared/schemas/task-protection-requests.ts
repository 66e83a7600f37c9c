import * as z from 'zod';

/** GetTaskProtection / UpdateTaskProtection as @aws-sdk/client-ecs sends them. */

export const getTaskProtectionRequest = z.strictObject({
  cluster: z.string().min(1).max(2048),
  tasks: z.array(z.string().min(1)).max(100).optional(),
});
export type GetTaskProtectionRequest = z.infer<typeof getTaskProtectionRequest>;

export const updateTaskProtectionRequest = z.strictObject({
  cluster: z.string().min(1).max(2048),
  tasks: z.array(z.string().min(1)).min(1).max(10),
  protectionEnabled: z.boolean(),
  // Bounds are checked by the operation, for ECS's InvalidParameterException with the range in words.
  expiresInMinutes: z.number().int().optional(),
});
export type UpdateTaskProtectionRequest = z.infer<typeof updateTaskProtectionRequest>;
