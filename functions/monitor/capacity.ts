import { scaleCapacity } from '#shared/control/capacity-scaling.ts';
import type { ControlContext } from '#shared/control/context.ts';
import type { Ec2Fleet } from '#shared/ports/ec2-fleet.ts';
import type { Logger } from '../runtime/logger.ts';

/** Capacity providers' managed scaling after the sweep; an EC2 failure is logged, with its provider, and retried next sweep. */
export async function scaleCapacityLogged(ctx: ControlContext, ec2: Ec2Fleet, logger: Logger): Promise<void> {
  try {
    const { failures, ...outcome } = await scaleCapacity(ctx, ec2);
    if (outcome.launched + outcome.drained + outcome.terminated > 0) logger.info('capacity scaled', { ...outcome });
    for (const { cluster, provider, error } of failures) {
      logger.warn('capacity provider scaling failed', { cluster, capacityProvider: provider, error });
    }
  } catch (error) {
    logger.warn('capacity scaling failed', { error });
  }
}
