import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Queue, ReceiveOptions } from '#shared/ports/queue.ts';
import type { DeliveredMessage } from '../adapters/sqs-queue.ts';

/**
 * Feeds a Lambda SQS handler from a queue outside Lambda (dev mode, tests),
 * doing what Lambda's event source mapping does for a FIFO queue with
 * ReportBatchItemFailures:
 *
 * - receive a batch by long polling, and hand it over as an SQSEvent whose
 *   records look like Lambda's;
 * - when the handler returns, delete every record not named in
 *   batchItemFailures, so only the failed ones come back after the
 *   visibility timeout;
 * - when the handler throws, or names an itemIdentifier that is empty or not
 *   in the batch, treat the whole batch as failed and delete nothing.
 *
 * As with Lambda, keeping a group in order is the handler's job: on a
 * failure it reports that record and every later one of its group.
 * Batches are handled one at a time.
 */
export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

/** Any queue adapter; those of Berth also say what SQS says about a delivery. */
export type PolledQueue = Queue & { receive(options: ReceiveOptions): Promise<DeliveredMessage[]> };

export interface QueuePollerOptions {
  readonly queue: PolledQueue;
  readonly handler: SqsBatchHandler;
  /** From 1 to 10, as for a FIFO event source mapping. */
  readonly batchSize?: number;
  /** Long-poll time; also the longest `stop()` waits for a receive to return. */
  readonly waitSeconds?: number;
  /** Goes into each record, which also takes its region from it. */
  readonly queueArn: string;
  /** Told of a failed receive, handler or delete; the poller carries on. */
  readonly onError?: (error: unknown) => void;
}

export interface QueuePoller {
  /**
   * Stops polling, and resolves once the batch in hand is handled and
   * acknowledged. A pending long poll is waited out; to shut down at once,
   * close the in-process queue right after calling stop().
   */
  stop(): Promise<void>;
}

const sqsArnPattern = /^arn:[^:]+:sqs:([^:]+):[^:]*:[^:]+$/;
const maxBackoffMs = 5_000;

function regionOf(queueArn: string): string {
  const region = sqsArnPattern.exec(queueArn)?.[1];
  if (!region) throw new RangeError(`Not an SQS queue ARN: ${queueArn}`);
  return region;
}

export function toSqsRecord(message: DeliveredMessage, queueArn: string, awsRegion: string): SQSRecord {
  // Only for an adapter that fills in nothing beyond the port's fields.
  const fallbackTimestamp = String(Date.now());
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: message.sentTimestamp === undefined ? fallbackTimestamp : String(message.sentTimestamp),
      SenderId: message.senderId ?? '',
      ApproximateFirstReceiveTimestamp:
        message.firstReceiveTimestamp === undefined ? fallbackTimestamp : String(message.firstReceiveTimestamp),
      ...(message.sequenceNumber === undefined ? {} : { SequenceNumber: message.sequenceNumber }),
      MessageGroupId: message.groupId,
      ...(message.deduplicationId === undefined ? {} : { MessageDeduplicationId: message.deduplicationId }),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion,
  };
}

/** The receipt handles to delete after the handler answered, or an error if Lambda would retry the batch. */
function acknowledged(records: readonly SQSRecord[], response: SQSBatchResponse | void): string[] | Error {
  const failures = response?.batchItemFailures ?? [];
  const inBatch = new Set(records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const { itemIdentifier } of failures) {
    if (!itemIdentifier || !inBatch.has(itemIdentifier)) {
      return new Error(`batchItemFailures names ${JSON.stringify(itemIdentifier)}, not a record of the batch`);
    }
    failed.add(itemIdentifier);
  }
  return records.filter((record) => !failed.has(record.messageId)).map((record) => record.receiptHandle);
}

export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const { queue, handler, queueArn, batchSize = 10, waitSeconds = 1 } = options;
  const onError = options.onError ?? ((error: unknown) => console.error('Queue poller:', error));
  const awsRegion = regionOf(queueArn);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
    throw new RangeError('batchSize must be 1 to 10');
  // Without a long poll an empty queue would be polled in a tight loop.
  if (!Number.isInteger(waitSeconds) || waitSeconds < 1 || waitSeconds > 20) {
    throw new RangeError('waitSeconds must be 1 to 20');
  }

  let stopping = false;
  let interruptBackoff = (): void => {};

  async function handleBatch(messages: readonly DeliveredMessage[]): Promise<void> {
    const records = messages.map((message) => toSqsRecord(message, queueArn, awsRegion));
    let response: SQSBatchResponse | void;
    try {
      response = await handler({ Records: records });
    } catch (error) {
      onError(error);
      return;
    }
    const receiptHandles = acknowledged(records, response);
    if (receiptHandles instanceof Error) return onError(receiptHandles);
    const deletions = await Promise.allSettled(receiptHandles.map((handle) => queue.delete(handle)));
    for (const deletion of deletions) if (deletion.status === 'rejected') onError(deletion.reason);
  }

  function backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      interruptBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  const running = (async () => {
    let consecutiveFailures = 0;
    while (!stopping) {
      let messages: DeliveredMessage[];
      try {
        messages = await queue.receive({ maxMessages: batchSize, waitSeconds });
        consecutiveFailures = 0;
      } catch (error) {
        onError(error);
        consecutiveFailures += 1;
        await backoff(Math.min(maxBackoffMs, 100 * 2 ** consecutiveFailures));
        continue;
      }
      // A batch received while stopping is still handled: left alone, it
      // would stay invisible until its visibility timeout ran out.
      if (messages.length > 0) await handleBatch(messages);
    }
  })();

  return {
    async stop() {
      stopping = true;
      interruptBackoff();
      await running;
    },
  };
}
