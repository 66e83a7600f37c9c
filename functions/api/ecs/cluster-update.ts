import { updateCluster } from '#shared/control/cluster-update.ts';
import { updateClusterRequest, updateClusterSettingsRequest } from '#shared/schemas/cluster-update.ts';
import { presentCluster } from '../presenters/cluster.ts';
import { operation, type Operation } from './operation.ts';

export const clusterUpdateOperations: Record<string, Operation> = {
  UpdateCluster: operation(updateClusterRequest, async (ctx, input) => ({
    cluster: presentCluster(ctx.deployment, await updateCluster(ctx, input)),
  })),
  UpdateClusterSettings: operation(updateClusterSettingsRequest, async (ctx, input) => ({
    cluster: presentCluster(ctx.deployment, await updateCluster(ctx, input)),
  })),
};
