import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ControlContext } from '#shared/control/context.ts';
import { reconcileCluster } from '#shared/control/reconcile/reconcile-cluster.ts';
import { reconcileMessage } from '../adapters/reconcile-queue.ts';
import { noMetrics, type MetricsRecorder } from '../runtime/invocation-metrics.ts';
import type { Logger } from '../runtime/logger.ts';

/**
 * One batch of reconcile requests. Requests are grouped by cluster and each
 * cluster is reconciled once, however many requests it had in the batch:
 * reconciliation reads the whole state, so one pass answers them all. A
 * cluster whose pass fails reports all its messages as failed, which keeps
 * the FIFO group's order and lets SQS redeliver them (and, after the redrive
 * limit, move them to the DLQ). A message that is not a reconcile request is
 * reported failed on its own, so it ends in the DLQ without holding others.
 * `metrics` gets each record's queue age and each pass's duration and placements.
 */
export async function processBatch(
  ctx: ControlContext,
  event: SQSEvent,
  logger: Logger,
  metrics: MetricsRecorder = noMetrics,
): Promise<SQSBatchResponse> {
  const failures: string[] = [];
  const byCluster = new Map<string, string[]>();
  for (const record of event.Records) {
    recordQueueAge(metrics, record.attributes?.SentTimestamp, ctx.clock.now());
    const parsed = safeJson(record.body);
    const message = reconcileMessage.safeParse(parsed);
    if (!message.success) {
      logger.warn('poison reconcile message', { messageId: record.messageId });
      failures.push(record.messageId);
      continue;
    }
    byCluster.set(message.data.cluster, [...(byCluster.get(message.data.cluster) ?? []), record.messageId]);
  }
  for (const [cluster, messageIds] of byCluster) {
    try {
      const started = performance.now();
      const outcome = await reconcileCluster(ctx, cluster);
      metrics.add('ReconcileDuration', 'Milliseconds', performance.now() - started);
      metrics.add('ReconcilePlacements', 'Count', outcome.placed);
      if (outcome.placed + outcome.unplaceable + outcome.repairs > 0)
        logger.info('reconciled', { cluster, ...outcome });
    } catch (error) {
      logger.error('reconcile failed', { cluster, error });
      failures.push(...messageIds);
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** How long the request waited in the queue: SQS's send time (epoch milliseconds, as a string) to now. */
function recordQueueAge(metrics: MetricsRecorder, sentTimestamp: string | undefined, now: number): void {
  const sent = Number(sentTimestamp);
  if (sentTimestamp !== undefined && Number.isFinite(sent))
    metrics.add('QueueAge', 'Milliseconds', Math.max(0, now - sent));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
