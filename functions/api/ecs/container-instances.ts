import * as instances from '#shared/control/instances.ts';
import { arns } from '#shared/domain/arn.ts';
import {
  deregisterContainerInstanceRequest,
  describeContainerInstancesRequest,
  listContainerInstancesRequest,
} from '#shared/schemas/ecs-requests.ts';
import { tagsIfIncluded } from '../presenters/tags.ts';
import { presentContainerInstance } from '../presenters/container-instance.ts';
import { operation, type Operation } from './operation.ts';

export const containerInstanceOperations: Record<string, Operation> = {
  ListContainerInstances: operation(listContainerInstancesRequest, async (ctx, input) => {
    const page = await instances.listContainerInstances(ctx, input);
    return {
      containerInstanceArns: page.instances.map((i) => arns.containerInstance(ctx.deployment, i.clusterName, i.id)),
      ...(page.nextToken !== undefined && { nextToken: page.nextToken }),
    };
  }),
  DescribeContainerInstances: operation(describeContainerInstancesRequest, async (ctx, input) => {
    const result = await instances.describeContainerInstances(ctx, input.cluster, input.containerInstances);
    return {
      containerInstances: result.instances.map((i) =>
        tagsIfIncluded(input.include, presentContainerInstance(ctx.deployment, i)),
      ),
      failures: result.missing.map((arn) => ({ arn, reason: 'MISSING' })),
    };
  }),
  DeregisterContainerInstance: operation(deregisterContainerInstanceRequest, async (ctx, input) => ({
    containerInstance: presentContainerInstance(
      ctx.deployment,
      await instances.deregisterContainerInstance(ctx, input),
    ),
  })),
};
