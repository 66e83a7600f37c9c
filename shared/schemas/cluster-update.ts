import * as z from 'zod';
import { clusterConfiguration, clusterSetting } from './cluster.ts';
import { lazySchema } from './lazy-schema.ts';

/** UpdateCluster as @aws-sdk/client-ecs sends it. */
export const updateClusterRequest = lazySchema(() =>
  z.strictObject({
    cluster: z.string().min(1).max(2048),
    settings: z.array(clusterSetting).max(1).optional(),
    configuration: clusterConfiguration.optional(),
    // Accepted in shape so the answer can say why Berth refuses it (no Cloud Map namespaces).
    serviceConnectDefaults: z.strictObject({ namespace: z.string() }).optional(),
  }),
);
export type UpdateClusterRequest = z.infer<typeof updateClusterRequest>;

export const updateClusterSettingsRequest = lazySchema(() =>
  z.strictObject({
    cluster: z.string().min(1).max(2048),
    settings: z.array(clusterSetting).min(1).max(1),
  }),
);
