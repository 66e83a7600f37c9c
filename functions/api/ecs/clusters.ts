import * as clusters from '#shared/control/clusters.ts';
import { arns } from '#shared/domain/arn.ts';
import {
  createClusterRequest,
  deleteClusterRequest,
  describeClustersRequest,
  listClustersRequest,
} from '#shared/schemas/ecs-requests.ts';
import { presentCluster } from '../presenters/cluster.ts';
import { tagsIfIncluded } from '../presenters/tags.ts';
import { operation, type Operation } from './operation.ts';

export const clusterOperations: Record<string, Operation> = {
  CreateCluster: operation(createClusterRequest, async (ctx, input) => ({
    cluster: presentCluster(ctx.deployment, await clusters.createCluster(ctx, input)),
  })),
  DeleteCluster: operation(deleteClusterRequest, async (ctx, input) => ({
    cluster: presentCluster(ctx.deployment, await clusters.deleteCluster(ctx, input.cluster)),
  })),
  DescribeClusters: operation(describeClustersRequest, async (ctx, input) => {
    const result = await clusters.describeClusters(ctx, input.clusters);
    return {
      clusters: result.clusters.map((c) => tagsIfIncluded(input.include, presentCluster(ctx.deployment, c))),
      failures: result.missing.map((name) => ({ arn: arns.cluster(ctx.deployment, name), reason: 'MISSING' })),
    };
  }),
  ListClusters: operation(listClustersRequest, async (ctx, input) => {
    const page = await clusters.listClusters(ctx, input);
    return {
      clusterArns: page.names.map((n) => arns.cluster(ctx.deployment, n)),
      ...(page.nextToken !== undefined && { nextToken: page.nextToken }),
    };
  }),
};
