import { deleteTaskDefinitions } from '#shared/control/task-definition-deletion.ts';
import { deleteTaskDefinitionsRequest } from '#shared/schemas/task-definition-deletion.ts';
import { presentTaskDefinition } from '../presenters/task-definition.ts';
import { operation, type Operation } from './operation.ts';

export const taskDefinitionDeletionOperations: Record<string, Operation> = {
  DeleteTaskDefinitions: operation(deleteTaskDefinitionsRequest, async (ctx, input) => {
    const result = await deleteTaskDefinitions(ctx, input);
    return {
      taskDefinitions: result.taskDefinitions.map((t) => presentTaskDefinition(ctx.deployment, t)),
      failures: result.failures,
    };
  }),
};
