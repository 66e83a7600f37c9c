import * as tasks from '#shared/control/tasks.ts';
import { arns } from '#shared/domain/arn.ts';
import {
  describeTasksRequest,
  listTasksRequest,
  runTaskRequest,
  stopTaskRequest,
} from '#shared/schemas/ecs-requests.ts';
import { tagsIfIncluded } from '../presenters/tags.ts';
import { presentTask } from '../presenters/task.ts';
import { operation, type Operation } from './operation.ts';

export const taskOperations: Record<string, Operation> = {
  RunTask: operation(runTaskRequest, async (ctx, input) => {
    const result = await tasks.runTask(ctx, input);
    return { tasks: result.tasks.map((t) => presentTask(ctx.deployment, t)), failures: result.failures };
  }),
  StopTask: operation(stopTaskRequest, async (ctx, input) => ({
    task: presentTask(ctx.deployment, await tasks.stopTask(ctx, input)),
  })),
  DescribeTasks: operation(describeTasksRequest, async (ctx, input) => {
    const result = await tasks.describeTasks(ctx, input.cluster, input.tasks);
    return {
      tasks: result.tasks.map((t) => tagsIfIncluded(input.include, presentTask(ctx.deployment, t))),
      failures: result.failures,
    };
  }),
  ListTasks: operation(listTasksRequest, async (ctx, input) => {
    const page = await tasks.listTasks(ctx, input);
    return {
      taskArns: page.tasks.map((t) => arns.task(ctx.deployment, t.clusterName, t.taskId)),
      ...(page.nextToken !== undefined && { nextToken: page.nextToken }),
    };
  }),
};
