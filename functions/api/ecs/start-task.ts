import { startTask } from '#shared/control/start-task.ts';
import { startTaskRequest } from '#shared/schemas/start-task-request.ts';
import { presentTask } from '../presenters/task.ts';
import { operation, type Operation } from './operation.ts';

export const startTaskOperations: Record<string, Operation> = {
  StartTask: operation(startTaskRequest, async (ctx, input) => {
    const result = await startTask(ctx, input);
    return { tasks: result.tasks.map((t) => presentTask(ctx.deployment, t)), failures: result.failures };
  }),
};
