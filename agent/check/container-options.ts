import { ULIMIT_NAMES } from '#shared/schemas/ulimit-names.ts';
import { boolean, int, oneOf, string } from './check.ts';
import { array, optional, record, strictObject } from './compose.ts';

/**
 * The container option members of shared/schemas/container-options.ts,
 * restated key for key for the agent's task spec check.
 */

const strings = array(string());

/** A container's (or a container override's) environment files. */
export const environmentFiles = array(strictObject({ value: string({ min: 1 }), type: oneOf(['s3']) }), { max: 10 });

export const ulimit = strictObject({ name: oneOf(ULIMIT_NAMES), softLimit: int(), hardLimit: int() });

export const containerOptionFields = {
  restartPolicy: optional(
    strictObject({
      enabled: boolean(),
      ignoredExitCodes: optional(array(int(), { max: 50 })),
      restartAttemptPeriod: optional(int({ min: 60, max: 1800 })),
    }),
  ),
  volumesFrom: optional(
    array(strictObject({ sourceContainer: optional(string({ min: 1 })), readOnly: optional(boolean()) })),
  ),
  systemControls: optional(array(strictObject({ namespace: optional(string({ min: 1 })), value: optional(string()) }))),
  dockerSecurityOptions: optional(strings),
  resourceRequirements: optional(
    array(strictObject({ type: oneOf(['GPU', 'InferenceAccelerator']), value: string({ min: 1 }) })),
  ),
  environmentFiles: optional(environmentFiles),
  firelensConfiguration: optional(
    strictObject({ type: oneOf(['fluentd', 'fluentbit']), options: optional(record(string())) }),
  ),
  versionConsistency: optional(oneOf(['enabled', 'disabled'])),
};
