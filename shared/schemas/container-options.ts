import * as z from 'zod';
import { lazySchema } from './lazy-schema.ts';

/**
 * Container definition members beyond the basics, with ECS's bounds: what
 * a task definition carries for restarts, shared volumes, kernel settings,
 * security options, accelerators and environment files. The rules that
 * span members (a volumesFrom source must exist, `net.*` sysctls and host
 * networking) are in shared/domain/container-options-rules.ts.
 */

export { ULIMIT_NAMES } from './ulimit-names.ts';

export const restartPolicy = lazySchema(() =>
  z.strictObject({
    enabled: z.boolean(),
    ignoredExitCodes: z.array(z.number().int()).max(50, 'ignoredExitCodes takes at most 50 exit codes').optional(),
    restartAttemptPeriod: z
      .number()
      .int()
      .min(60, 'restartAttemptPeriod must be between 60 and 1800 seconds')
      .max(1800, 'restartAttemptPeriod must be between 60 and 1800 seconds')
      .optional(),
  }),
);
export type RestartPolicy = z.infer<typeof restartPolicy>;

export const volumeFrom = lazySchema(() =>
  z.strictObject({
    sourceContainer: z.string().min(1).optional(),
    readOnly: z.boolean().optional(),
  }),
);

export const systemControl = lazySchema(() =>
  z.strictObject({
    namespace: z.string().min(1).optional(),
    value: z.string().optional(),
  }),
);

export const resourceRequirement = lazySchema(() =>
  z.strictObject({
    type: z.enum(['GPU', 'InferenceAccelerator']),
    value: z.string().min(1),
  }),
);

export const environmentFile = lazySchema(() =>
  z.strictObject({
    value: z.string().min(1),
    type: z.enum(['s3']),
  }),
);

export const firelensConfiguration = lazySchema(() =>
  z.strictObject({
    type: z.enum(['fluentd', 'fluentbit']),
    options: z.record(z.string(), z.string()).optional(),
  }),
);

/** The members above, spread into the container definition. */
export const containerOptionFields = {
  restartPolicy: restartPolicy.optional(),
  volumesFrom: z.array(volumeFrom).optional(),
  systemControls: z.array(systemControl).optional(),
  dockerSecurityOptions: z.array(z.string()).optional(),
  resourceRequirements: z.array(resourceRequirement).optional(),
  environmentFiles: z.array(environmentFile).max(10, 'a container takes at most 10 environment files').optional(),
  firelensConfiguration: firelensConfiguration.optional(),
  versionConsistency: z.enum(['enabled', 'disabled']).optional(),
};

/** Task-level: Fargate's ephemeral storage size. */
export const ephemeralStorage = lazySchema(() =>
  z.strictObject({
    sizeInGiB: z
      .number()
      .int()
      .min(21, 'ephemeralStorage.sizeInGiB must be between 21 and 200')
      .max(200, 'ephemeralStorage.sizeInGiB must be between 21 and 200'),
  }),
);
