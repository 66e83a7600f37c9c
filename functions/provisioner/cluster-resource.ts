import {
  CreateClusterCommand,
  DeleteClusterCommand,
  UpdateClusterCommand,
  type CreateClusterCommandInput,
} from '@aws-sdk/client-ecs';
import * as z from 'zod';
import type { Berth } from './berth-client.ts';
import type { OnEventResult } from './events.ts';
import { isNotFound } from './not-found.ts';
import type { ResourceHandler } from './resource-handler.ts';

/**
 * `Custom::BerthCluster`: the physical id is the cluster's name (what `Ref`
 * gives for AWS::ECS::Cluster). Renaming replaces the cluster.
 */
const clusterRequest = z.looseObject({ clusterName: z.string().min(1).max(255) });

export const clusterResource: ResourceHandler = {
  schema: clusterRequest,

  // CreateCluster answers the existing cluster for a name already taken, so a
  // repeated Create changes nothing.
  async create(berth, request) {
    return created(berth, request as CreateClusterCommandInput);
  },

  async update(berth, request, old) {
    const next = clusterRequest.parse(request);
    if (next.clusterName !== clusterRequest.parse(old).clusterName) {
      return created(berth, request as CreateClusterCommandInput);
    }
    const input = request as CreateClusterCommandInput;
    const out = await berth.call('UpdateCluster', (ecs) =>
      ecs.send(
        new UpdateClusterCommand({
          cluster: next.clusterName,
          settings: input.settings ?? [],
          ...(input.configuration && { configuration: input.configuration }),
          ...(input.serviceConnectDefaults && { serviceConnectDefaults: input.serviceConnectDefaults }),
        }),
      ),
    );
    return { PhysicalResourceId: next.clusterName, Data: { Arn: out.cluster?.clusterArn ?? '' } };
  },

  async delete(berth, physicalId) {
    try {
      await berth.call('DeleteCluster', (ecs) => ecs.send(new DeleteClusterCommand({ cluster: physicalId })));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return { PhysicalResourceId: physicalId };
  },
};

async function created(berth: Berth, input: CreateClusterCommandInput): Promise<OnEventResult> {
  const out = await berth.call('CreateCluster', (ecs) => ecs.send(new CreateClusterCommand(input)));
  const cluster = out.cluster;
  return {
    PhysicalResourceId: cluster?.clusterName ?? input.clusterName ?? '',
    Data: { Arn: cluster?.clusterArn ?? '' },
  };
}
