import * as definitions from '#shared/control/task-definitions.ts';
import { arns } from '#shared/domain/arn.ts';
import {
  deregisterTaskDefinitionRequest,
  describeTaskDefinitionRequest,
  listTaskDefinitionFamiliesRequest,
  listTaskDefinitionsRequest,
} from '#shared/schemas/ecs-requests.ts';
import { registerTaskDefinitionRequest } from '#shared/schemas/task-definition.ts';
import { presentTaskDefinition } from '../presenters/task-definition.ts';
import { includesTags } from '../presenters/tags.ts';
import { operation, type Operation } from './operation.ts';

export const taskDefinitionOperations: Record<string, Operation> = {
  RegisterTaskDefinition: operation(registerTaskDefinitionRequest, async (ctx, input) => {
    const registered = await definitions.registerTaskDefinition(ctx, input);
    return { taskDefinition: presentTaskDefinition(ctx.deployment, registered), tags: registered.tags ?? [] };
  }),
  DeregisterTaskDefinition: operation(deregisterTaskDefinitionRequest, async (ctx, input) => ({
    taskDefinition: presentTaskDefinition(
      ctx.deployment,
      await definitions.deregisterTaskDefinition(ctx, input.taskDefinition),
    ),
  })),
  DescribeTaskDefinition: operation(describeTaskDefinitionRequest, async (ctx, input) => {
    const found = (await definitions.findTaskDefinition(ctx, input.taskDefinition)).value;
    return {
      taskDefinition: presentTaskDefinition(ctx.deployment, found),
      ...(includesTags(input.include) && { tags: found.tags ?? [] }),
    };
  }),
  ListTaskDefinitions: operation(listTaskDefinitionsRequest, async (ctx, input) => {
    const page = await definitions.listTaskDefinitions(ctx, input);
    return {
      taskDefinitionArns: page.definitions.map((t) => arns.taskDefinition(ctx.deployment, t.family, t.revision)),
      ...(page.nextToken !== undefined && { nextToken: page.nextToken }),
    };
  }),
  ListTaskDefinitionFamilies: operation(listTaskDefinitionFamiliesRequest, async (ctx, input) => {
    const page = await definitions.listTaskDefinitionFamilies(ctx, input);
    return { families: page.families, ...(page.nextToken !== undefined && { nextToken: page.nextToken }) };
  }),
};
