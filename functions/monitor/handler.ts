import type { ControlContext } from '#shared/control/context.ts';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import { invocationMetrics, type MetricsRecorder } from '../runtime/invocation-metrics.ts';
import { lambdaEntry } from '../runtime/lambda-entry.ts';
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
  deps: () => { ctx: ControlContext; logger: Logger; metrics?: MetricsRecorder },
  emitMetrics?: (line: string) => void,
  deadLetters?: () => Promise<number>,
) {
  return async (): Promise<SweepOutcome> => {
    const { ctx, logger, metrics } = deps();
    const started = performance.now();
    const outcome = await sweep(ctx, logger);
    metrics?.add('SweepDuration', 'Milliseconds', performance.now() - started);
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

const metrics = invocationMetrics('monitor');

/** Lambda entry for the one-minute schedule. */
export const handler = lambdaEntry(
  () => monitorRuntime().logger,
  metrics,
  createMonitorHandler(
    () => ({ ...monitorRuntime(), metrics }),
    (line) => process.stdout.write(`${line}\n`),
    readDeadLetterDepth,
  ),
);
