import * as z from 'zod';

/** ExecuteCommand as @aws-sdk/client-ecs sends it. */
export const executeCommandRequest = z.strictObject({
  cluster: z.string().min(1).max(2048).optional(),
  container: z.string().min(1).max(255).optional(),
  command: z.string().min(1).max(4096),
  interactive: z.boolean(),
  task: z.string().min(1).max(2048),
});
export type ExecuteCommandRequest = z.infer<typeof executeCommandRequest>;
