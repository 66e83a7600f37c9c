import * as z from 'zod';
import { tags } from './common.ts';
import { managedScaling } from './capacity-provider.ts';
import { capacityProviderStrategy } from './traffic-requests.ts';
import { lazySchema } from './lazy-schema.ts';

const onOff = z.enum(['ENABLED', 'DISABLED']);

/** ECS's AutoScalingGroupProvider; the ARN names Berth's launch template. */
const autoScalingGroupProvider = lazySchema(() =>
  z.strictObject({
    autoScalingGroupArn: z.string().min(1).max(1600),
    managedScaling: managedScaling.optional(),
    managedTerminationProtection: onOff.optional(),
    managedDraining: onOff.optional(),
  }),
);

export const createCapacityProviderRequest = lazySchema(() =>
  z.strictObject({
    name: z.string().min(1),
    autoScalingGroupProvider: autoScalingGroupProvider,
    tags: tags.optional(),
  }),
);

export const updateCapacityProviderRequest = lazySchema(() =>
  z.strictObject({
    name: z.string().min(1),
    autoScalingGroupProvider: autoScalingGroupProvider.omit({ autoScalingGroupArn: true }),
  }),
);

export const deleteCapacityProviderRequest = lazySchema(() =>
  z.strictObject({
    capacityProvider: z.string().min(1),
  }),
);

export const describeCapacityProvidersRequest = lazySchema(() =>
  z.strictObject({
    capacityProviders: z.array(z.string().min(1)).max(100).optional(),
    include: z.array(z.enum(['TAGS'])).optional(),
    maxResults: z.number().int().optional(),
    nextToken: z.string().optional(),
  }),
);

export const putClusterCapacityProvidersRequest = lazySchema(() =>
  z.strictObject({
    cluster: z.string().min(1),
    capacityProviders: z.array(z.string().min(1)).max(20),
    defaultCapacityProviderStrategy: capacityProviderStrategy,
  }),
);
