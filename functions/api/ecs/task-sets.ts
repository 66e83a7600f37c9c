import * as taskSets from '#shared/control/task-sets.ts';
import {
  createTaskSetRequest,
  deleteTaskSetRequest,
  describeTaskSetsRequest,
  updateServicePrimaryTaskSetRequest,
  updateTaskSetRequest,
} from '#shared/schemas/task-set-requests.ts';
import { presentTaskSet } from '../presenters/task-set.ts';
import { operation, type Operation } from './operation.ts';

/** Task sets of services with the EXTERNAL deployment controller. */
export const taskSetOperations: Record<string, Operation> = {
  CreateTaskSet: operation(createTaskSetRequest, async (ctx, input) => {
    const { service, taskSet } = await taskSets.createTaskSet(ctx, input);
    return { taskSet: presentTaskSet(ctx.deployment, service, taskSet, true) };
  }),
  UpdateTaskSet: operation(updateTaskSetRequest, async (ctx, input) => {
    const { service, taskSet } = await taskSets.updateTaskSet(ctx, input);
    return { taskSet: presentTaskSet(ctx.deployment, service, taskSet) };
  }),
  DeleteTaskSet: operation(deleteTaskSetRequest, async (ctx, input) => {
    const { service, taskSet } = await taskSets.deleteTaskSet(ctx, input);
    return { taskSet: presentTaskSet(ctx.deployment, service, taskSet) };
  }),
  UpdateServicePrimaryTaskSet: operation(updateServicePrimaryTaskSetRequest, async (ctx, input) => {
    const { service, taskSet } = await taskSets.updateServicePrimaryTaskSet(ctx, input);
    return { taskSet: presentTaskSet(ctx.deployment, service, taskSet) };
  }),
  DescribeTaskSets: operation(describeTaskSetsRequest, async (ctx, input) => {
    const result = await taskSets.describeTaskSets(ctx, input);
    const withTags = input.include?.includes('TAGS') === true;
    return {
      taskSets: result.taskSets.map((t) => presentTaskSet(ctx.deployment, result.service, t, withTags)),
      failures: result.missing.map((arn) => ({ arn, reason: 'MISSING' })),
    };
  }),
};
