import * as z from 'zod';

/** DeleteTaskDefinitions as @aws-sdk/client-ecs sends it: at most 10 revisions per call, as ECS allows. */
export const deleteTaskDefinitionsRequest = z.strictObject({
  taskDefinitions: z.array(z.string().min(1).max(2048)).min(1).max(10),
});
export type DeleteTaskDefinitionsRequest = z.infer<typeof deleteTaskDefinitionsRequest>;
