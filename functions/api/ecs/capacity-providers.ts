import * as providers from '#shared/control/capacity-providers.ts';
import { putClusterCapacityProviders } from '#shared/control/cluster-capacity-providers.ts';
import { describeClusters } from '#shared/control/clusters.ts';
import { arns } from '#shared/domain/arn.ts';
import {
  createCapacityProviderRequest,
  deleteCapacityProviderRequest,
  describeCapacityProvidersRequest,
  putClusterCapacityProvidersRequest,
  updateCapacityProviderRequest,
} from '#shared/schemas/capacity-provider-requests.ts';
import { presentCapacityProvider } from '../presenters/capacity-provider.ts';
import { presentCluster } from '../presenters/cluster.ts';
import { tagsIfIncluded } from '../presenters/tags.ts';
import { operation, type Operation } from './operation.ts';

/** The capacity provider operations and the cluster's association with them. */
export const capacityProviderOperations: Record<string, Operation> = {
  CreateCapacityProvider: operation(createCapacityProviderRequest, async (ctx, input) => ({
    capacityProvider: presentCapacityProvider(ctx.deployment, await providers.createCapacityProvider(ctx, input)),
  })),
  UpdateCapacityProvider: operation(updateCapacityProviderRequest, async (ctx, input) => ({
    capacityProvider: presentCapacityProvider(ctx.deployment, await providers.updateCapacityProvider(ctx, input)),
  })),
  DeleteCapacityProvider: operation(deleteCapacityProviderRequest, async (ctx, input) => {
    const deleted = await providers.deleteCapacityProvider(ctx, input.capacityProvider);
    // ECS answers the delete while it runs; DescribeCapacityProviders shows it INACTIVE after.
    return {
      capacityProvider: {
        ...presentCapacityProvider(ctx.deployment, deleted),
        status: 'ACTIVE',
        updateStatus: 'DELETE_IN_PROGRESS',
      },
    };
  }),
  DescribeCapacityProviders: operation(describeCapacityProvidersRequest, async (ctx, input) => {
    const result = await providers.describeCapacityProviders(ctx, input);
    return {
      capacityProviders: result.providers.map((p) =>
        tagsIfIncluded(input.include, presentCapacityProvider(ctx.deployment, p)),
      ),
      failures: result.missing.map((ref) => ({
        arn: ref.startsWith('arn:') ? ref : arns.capacityProvider(ctx.deployment, ref),
        reason: 'MISSING',
      })),
      ...(result.nextToken !== undefined && { nextToken: result.nextToken }),
    };
  }),
  PutClusterCapacityProviders: operation(putClusterCapacityProvidersRequest, async (ctx, input) => {
    const cluster = await putClusterCapacityProviders(ctx, input);
    const [view] = (await describeClusters(ctx, [cluster.clusterName])).clusters;
    return { cluster: view && presentCluster(ctx.deployment, view) };
  }),
};
