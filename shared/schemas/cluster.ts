import * as z from 'zod';
import { epochMs, name255, tags } from './common.ts';
import { capacityProviderStrategy } from './traffic-requests.ts';
import { lazySchema } from './lazy-schema.ts';

export const clusterSetting = lazySchema(() =>
  z.strictObject({
    name: z.literal('containerInsights'),
    value: z.enum(['enabled', 'disabled', 'enhanced']),
  }),
);

/** ECS's ClusterConfiguration: stored and returned as given (docs/cluster-operations.md). */
export const clusterConfiguration = lazySchema(() =>
  z.strictObject({
    executeCommandConfiguration: z
      .strictObject({
        kmsKeyId: z.string().max(2048).optional(),
        logging: z.enum(['NONE', 'DEFAULT', 'OVERRIDE']).optional(),
        logConfiguration: z
          .strictObject({
            cloudWatchLogGroupName: z.string().max(512).optional(),
            cloudWatchEncryptionEnabled: z.boolean().optional(),
            s3BucketName: z.string().max(255).optional(),
            s3EncryptionEnabled: z.boolean().optional(),
            s3KeyPrefix: z.string().max(1024).optional(),
          })
          .optional(),
      })
      .optional(),
    managedStorageConfiguration: z
      .strictObject({
        kmsKeyId: z.string().max(2048).optional(),
        fargateEphemeralStorageKmsKeyId: z.string().max(2048).optional(),
      })
      .optional(),
  }),
);
export type ClusterConfiguration = z.infer<typeof clusterConfiguration>;

export const cluster = lazySchema(() =>
  z.object({
    clusterName: name255,
    status: z.enum(['ACTIVE', 'INACTIVE']),
    tags: tags,
    settings: z.array(clusterSetting),
    configuration: clusterConfiguration.optional(),
    /** PutClusterCapacityProviders: the providers the cluster may use and its default strategy. */
    capacityProviders: z.array(z.string()).optional(),
    defaultCapacityProviderStrategy: capacityProviderStrategy.optional(),
    createdAt: epochMs,
  }),
);
export type Cluster = z.infer<typeof cluster>;
