import type { ControlContext } from '#shared/control/context.ts';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import type { Logger } from '../runtime/logger.ts';
import { deadLetterDepth, reportDeadLetters } from './dead-letter-signal.ts';
import { monitorRuntime } from './monitor-runtime.ts';
import { emitServiceMetrics } from './service-metrics-emf.ts';
import { sweep, type SweepOutcome } from './sweep.ts';

/**
 * `emitMetrics` writes each service's minute, and the dead-letter queue's
 * depth when `deadLetters` reads it, as CloudWatch EMF lines; dev mode has no
 * CloudWatch and passes neither.
 */
export function createMonitorHandler(
  deps: () => { ctx: ControlContext; logger: Logger },
  emitMetrics?: (line: string) => void,
  deadLetters?: () => Promise<number>,
) {
  return async (): Promise<SweepOutcome> => {
    const { ctx, logger } = deps();
    const outcome = await sweep(ctx, logger);
    logger.info('sweep', { clusters: outcome.clusters, disconnected: outcome.disconnected });
    if (emitMetrics) await emitServiceMetrics(ctx, outcome.activeClusters, emitMetrics);
    if (emitMetrics && deadLetters) await reportDeadLetters(deadLetters, emitMetrics, logger, ctx.clock.now());
    return outcome;
  };
}

function readDeadLetterDepth(): Promise<number> {
  const { sqs, env } = awsRuntime();
  return env.BERTH_DLQ_URL === undefined ? Promise.resolve(0) : deadLetterDepth(sqs, env.BERTH_DLQ_URL);
}

/** Lambda entry for the one-minute schedule. */
export const handler = createMonitorHandler(
  monitorRuntime,
  (line) => process.stdout.write(`${line}\n`),
  readDeadLetterDepth,
);
