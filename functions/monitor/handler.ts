import type { ControlContext } from '#shared/control/context.ts';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import type { Logger } from '../runtime/logger.ts';
import { emitServiceMetrics } from './service-metrics-emf.ts';
import { sweep, type SweepOutcome } from './sweep.ts';

/** `emitMetrics` writes each service's minute as a CloudWatch EMF line; dev mode has no CloudWatch and passes none. */
export function createMonitorHandler(
  deps: () => { ctx: ControlContext; logger: Logger },
  emitMetrics?: (line: string) => void,
) {
  return async (): Promise<SweepOutcome> => {
    const { ctx, logger } = deps();
    const outcome = await sweep(ctx, logger);
    logger.info('sweep', { clusters: outcome.clusters, disconnected: outcome.disconnected });
    if (emitMetrics) await emitServiceMetrics(ctx, outcome.activeClusters, emitMetrics);
    return outcome;
  };
}

/** Lambda entry for the one-minute schedule. */
export const handler = createMonitorHandler(awsRuntime, (line) => process.stdout.write(`${line}\n`));
