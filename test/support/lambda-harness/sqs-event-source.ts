import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { FunctionHost } from './function-host.ts';

export interface EventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  /** The mapping's BatchSize (at most 10 per ReceiveMessage). */
  readonly batchSize: number;
  /** FunctionResponseTypes includes ReportBatchItemFailures. */
  readonly reportBatchItemFailures: boolean;
  /** Called when a poll or a delete fails; the mapping carries on, as Lambda's does. */
  readonly onError?: (error: unknown) => void;
}

function recordAttributes(message: Message): SQSRecord['attributes'] {
  const a = message.Attributes ?? {};
  return {
    ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
    SentTimestamp: a.SentTimestamp ?? '0',
    SenderId: a.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '0',
    ...(a.SequenceNumber !== undefined && { SequenceNumber: a.SequenceNumber }),
    ...(a.MessageGroupId !== undefined && { MessageGroupId: a.MessageGroupId }),
    ...(a.MessageDeduplicationId !== undefined && { MessageDeduplicationId: a.MessageDeduplicationId }),
  };
}

function recordMessageAttributes(attributes: Record<string, MessageAttributeValue> = {}): SQSMessageAttributes {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? 'String',
        ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
        ...(value.BinaryValue !== undefined && { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  );
}

/** One received message as the record Lambda puts in the SQS event. */
export function sqsEventRecord(message: Message, queueArn: string, region: string): SQSRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: recordAttributes(message),
    messageAttributes: recordMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

const batchResponse = z.object({
  batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) })).optional(),
});

/**
 * Which messages of a batch to delete after an invocation. A failed
 * invocation deletes none. With ReportBatchItemFailures, all but the listed
 * failures; a response that names a message not in the batch (or is not a
 * batch response at all) counts as a failure of the whole batch, as Lambda
 * treats it.
 */
export function messagesToDelete(
  records: readonly SQSRecord[],
  outcome: { ok: true; result: unknown } | { ok: false },
  reportBatchItemFailures: boolean,
): SQSRecord[] {
  if (!outcome.ok) return [];
  if (!reportBatchItemFailures) return [...records];
  const parsed = batchResponse.safeParse(outcome.result ?? {});
  if (!parsed.success) return [];
  const failed = new Set((parsed.data.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  const ids = new Set(records.map((record) => record.messageId));
  if ([...failed].some((id) => !ids.has(id))) return [];
  return records.filter((record) => !failed.has(record.messageId));
}

/**
 * The scheduler's event source mapping: long-polls the queue, invokes the
 * function with each batch and deletes what the function did not report
 * failed. What is not deleted comes back after the queue's visibility
 * timeout, and SQS (moto) moves it to the dead-letter queue after the
 * redrive policy's maxReceiveCount receives. One batch at a time: Lambda
 * scales pollers out, but one is enough to run Berth and keeps order plain.
 */
export function startEventSource(host: FunctionHost, options: EventSourceOptions): { stop(): Promise<void> } {
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        await pollOnce(host, options, abort.signal);
      } catch (error) {
        if (abort.signal.aborted) break;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}

async function pollOnce(host: FunctionHost, options: EventSourceOptions, signal: AbortSignal): Promise<void> {
  const { Messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: Math.min(options.batchSize, 10),
      WaitTimeSeconds: 20,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
    { abortSignal: signal },
  );
  if (Messages.length === 0) return;
  const records = Messages.map((message) => sqsEventRecord(message, options.queueArn, options.region));
  const event: SQSEvent = { Records: records };
  const outcome = await host.invoke(event);
  const done = messagesToDelete(records, outcome, options.reportBatchItemFailures);
  if (done.length === 0) return;
  const { Failed = [] } = await options.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: options.queueUrl,
      Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
    }),
  );
  // A receipt handle from before a redelivery no longer deletes; the message is simply done again.
  if (Failed.length > 0)
    options.onError?.(new Error(`could not delete ${Failed.length} message(s): ${Failed[0]?.Message}`));
}
