import * as z from 'zod';
import { lazySchema } from './lazy-schema.ts';

/**
 * Request members for load balancing, service discovery, awsvpc networking
 * and capacity providers, with ECS's bounds. Berth validates them today and
 * answers "not yet supported" for a non-empty value until the features land
 * (see functions/api/ecs/model/answers.ts).
 */

export const loadBalancers = lazySchema(() =>
  z.array(
    z.strictObject({
      targetGroupArn: z.string().min(1).optional(),
      loadBalancerName: z.string().min(1).optional(),
      containerName: z.string().min(1).optional(),
      containerPort: z.number().int().min(0).max(65535).optional(),
      advancedConfiguration: z
        .strictObject({
          alternateTargetGroupArn: z.string().optional(),
          productionListenerRule: z.string().optional(),
          testListenerRule: z.string().optional(),
          roleArn: z.string().optional(),
        })
        .optional(),
    }),
  ),
);

export const serviceRegistries = lazySchema(() =>
  z.array(
    z.strictObject({
      registryArn: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65535).optional(),
      containerName: z.string().min(1).optional(),
      containerPort: z.number().int().min(0).max(65535).optional(),
    }),
  ),
);

/** At most 16 subnets and 5 security groups, as ECS allows. */
export const networkConfiguration = lazySchema(() =>
  z.strictObject({
    awsvpcConfiguration: z
      .strictObject({
        subnets: z.array(z.string().min(1)).max(16),
        securityGroups: z.array(z.string().min(1)).max(5).optional(),
        assignPublicIp: z.enum(['ENABLED', 'DISABLED']).optional(),
      })
      .optional(),
  }),
);

/** At most 20 providers; weight 0-1000, base 0-100000, as ECS allows. */
export const capacityProviderStrategy = z
  .array(
    z.strictObject({
      capacityProvider: z.string().min(1),
      weight: z.number().int().min(0).max(1000).optional(),
      base: z.number().int().min(0).max(100000).optional(),
    }),
  )
  .max(20);
