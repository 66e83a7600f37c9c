import { emfLine } from '#shared/domain/metrics-emf.ts';
import type { SqsCalls } from '../adapters/sqs-calls.ts';
import { HEALTH_NAMESPACE } from '../runtime/invocation-metrics.ts';
import type { Logger } from '../runtime/logger.ts';

export { HEALTH_NAMESPACE };

/** The metric an operator alarms on: reconcile requests SQS gave up on (maxReceiveCount receives, all failed). */
export const DEAD_LETTERED_METRIC = 'DeadLetteredReconcileRequests';

/**
 * The dead-letter queue's depth as one CloudWatch EMF line, written every
 * sweep, zero included, so an alarm on `> 0` sees data rather than a gap.
 */
export function deadLetterEmf(depth: number, timestamp: number): string {
  return emfLine(HEALTH_NAMESPACE, {}, [{ name: DEAD_LETTERED_METRIC, unit: 'Count', value: depth }], timestamp);
}

/** Visible plus in-flight messages: an operator reading the queue does not make the count drop. */
export async function deadLetterDepth(sqs: SqsCalls, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.call('GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  });
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/**
 * Reports the dead-letter queue after a sweep: the metric always, an error
 * line while it holds anything. A message there is a cluster whose
 * reconciliation failed five times in a row; nothing retries it by itself.
 */
export async function reportDeadLetters(
  read: () => Promise<number>,
  write: (line: string) => void,
  logger: Logger,
  now: number,
): Promise<void> {
  let depth: number;
  try {
    depth = await read();
  } catch (error) {
    // The sweep is done; a failed look at the queue must not fail it (and a gap in the metric shows).
    logger.warn('could not read the dead-letter queue', { error });
    return;
  }
  write(deadLetterEmf(depth, now));
  if (depth > 0) logger.error('reconcile requests in the dead-letter queue', { count: depth });
}
