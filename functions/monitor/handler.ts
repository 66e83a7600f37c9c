import type { ControlContext } from '#shared/control/context.ts';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import type { Logger } from '../runtime/logger.ts';
import { sweep, type SweepOutcome } from './sweep.ts';

export function createMonitorHandler(deps: () => { ctx: ControlContext; logger: Logger }) {
  return async (): Promise<SweepOutcome> => {
    const { ctx, logger } = deps();
    const outcome = await sweep(ctx, logger);
    logger.info('sweep', { ...outcome });
    return outcome;
  };
}

/** Lambda entry for the one-minute schedule. */
export const handler = createMonitorHandler(awsRuntime);
