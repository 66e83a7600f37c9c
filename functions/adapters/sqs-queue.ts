import type { Message } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { DeadLetters, OutgoingMessage, Queue, ReceiveOptions, ReceivedMessage } from '#shared/ports/queue.ts';
import type { SqsCalls } from './sqs-calls.ts';

/**
 * What SQS tells about a delivery beyond the port's `ReceivedMessage`. The
 * queue poller needs it to build event records as Lambda's event source
 * mapping does; every queue adapter fills it in.
 */
export interface DeliveryDetails {
  readonly deduplicationId?: string;
  readonly sequenceNumber?: string;
  readonly senderId?: string;
  /** Milliseconds since the epoch. */
  readonly sentTimestamp?: number;
  /** Milliseconds since the epoch. */
  readonly firstReceiveTimestamp?: number;
}

export type DeliveredMessage = ReceivedMessage & DeliveryDetails;

export interface SqsQueueOptions {
  /** The SDK's client (sdkSqsCalls) or Berth's lean one (createSqsJsonClient). */
  readonly client: SqsCalls;
  readonly queueUrl: string;
  /** When absent, found through the queue's RedrivePolicy on first use. */
  readonly deadLetterQueueUrl?: string;
}

export type SqsQueue = Queue & {
  receive(options: ReceiveOptions): Promise<DeliveredMessage[]>;
  deadLetters(): DeadLetters & { receive(options: ReceiveOptions): Promise<DeliveredMessage[]> };
};

const systemAttributeNames = [
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'MessageDeduplicationId',
  'MessageGroupId',
  'SenderId',
  'SentTimestamp',
  'SequenceNumber',
] as const;

const countString = z.string().regex(/^\d+$/).transform(Number);

const sqsMessageSchema = z.object({
  MessageId: z.string().min(1),
  ReceiptHandle: z.string().min(1),
  Body: z.string(),
  Attributes: z.object({
    ApproximateReceiveCount: countString,
    MessageGroupId: z.string().min(1),
    MessageDeduplicationId: z.string().optional(),
    SequenceNumber: z.string().optional(),
    SenderId: z.string().optional(),
    SentTimestamp: countString.optional(),
    ApproximateFirstReceiveTimestamp: countString.optional(),
  }),
});

function toDelivered(message: Message): DeliveredMessage {
  const parsed = sqsMessageSchema.parse(message);
  const attributes = parsed.Attributes;
  return {
    messageId: parsed.MessageId,
    receiptHandle: parsed.ReceiptHandle,
    groupId: attributes.MessageGroupId,
    body: parsed.Body,
    receiveCount: attributes.ApproximateReceiveCount,
    deduplicationId: attributes.MessageDeduplicationId,
    sequenceNumber: attributes.SequenceNumber,
    senderId: attributes.SenderId,
    sentTimestamp: attributes.SentTimestamp,
    firstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp,
  };
}

async function receiveFrom(client: SqsCalls, queueUrl: string, options: ReceiveOptions): Promise<DeliveredMessage[]> {
  const output = await client.call('ReceiveMessage', {
    QueueUrl: queueUrl,
    MaxNumberOfMessages: options.maxMessages,
    WaitTimeSeconds: options.waitSeconds ?? 0,
    MessageSystemAttributeNames: [...systemAttributeNames],
  });
  return (output.Messages ?? []).map(toDelivered);
}

const redrivePolicySchema = z.object({ deadLetterTargetArn: z.string() });
const sqsArnSchema = z
  .string()
  .regex(/^arn:[^:]+:sqs:[^:]+:\d+:[^:]+$/)
  .transform((arn) => {
    const [, , , region = '', account = '', name = ''] = arn.split(':');
    return { arn, region, account, name };
  });

/** Finds the dead-letter queue named by the queue's RedrivePolicy. */
async function discoverDeadLetterQueueUrl(client: SqsCalls, queueUrl: string): Promise<string> {
  const { Attributes } = await client.call('GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['RedrivePolicy'],
  });
  if (!Attributes?.RedrivePolicy) throw new Error(`Queue ${queueUrl} has no RedrivePolicy, so no dead-letter queue`);
  const policy = redrivePolicySchema.parse(JSON.parse(Attributes.RedrivePolicy));
  const { account, name } = sqsArnSchema.parse(policy.deadLetterTargetArn);
  const { QueueUrl } = await client.call('GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: account });
  if (!QueueUrl) throw new Error(`No URL for dead-letter queue ${policy.deadLetterTargetArn}`);
  return QueueUrl;
}

/**
 * The queue port over an SQS FIFO queue. SQS itself enforces the contract;
 * this adapter only translates, and validates what SQS sends back.
 *
 * An SDK error (a throttled call, an expired receipt handle, which SQS FIFO
 * reports as ReceiptHandleIsInvalid) propagates: the caller retries or lets
 * the message come back after its visibility timeout.
 */
export function createSqsQueue(options: SqsQueueOptions): SqsQueue {
  const { client, queueUrl } = options;
  let deadLetterQueueUrl: Promise<string> | undefined =
    options.deadLetterQueueUrl === undefined ? undefined : Promise.resolve(options.deadLetterQueueUrl);
  return {
    async send(message: OutgoingMessage): Promise<void> {
      await client.call('SendMessage', {
        QueueUrl: queueUrl,
        MessageBody: message.body,
        MessageGroupId: message.groupId,
        MessageDeduplicationId: message.deduplicationId,
      });
    },
    receive: (receiveOptions) => receiveFrom(client, queueUrl, receiveOptions),
    async delete(receiptHandle: string): Promise<void> {
      await client.call('DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: receiptHandle });
    },
    deadLetters() {
      return {
        async receive(receiveOptions) {
          deadLetterQueueUrl ??= discoverDeadLetterQueueUrl(client, queueUrl).catch((error: unknown) => {
            deadLetterQueueUrl = undefined; // let the next call try again
            throw error;
          });
          return receiveFrom(client, await deadLetterQueueUrl, receiveOptions);
        },
      };
    },
  };
}

export interface EnsureQueuesOptions {
  /** Base name; the queues are `<name>.fifo` and `<name>-dlq.fifo`. */
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
}

export interface EnsuredQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

/** SQS's longest retention, so poison messages wait for an operator. */
const deadLetterRetentionSeconds = 14 * 24 * 60 * 60;

function isQueueNameTaken(error: unknown): boolean {
  // SQS's JSON protocol says QueueNameExists; its older query protocol (and
  // moto) says QueueAlreadyExists.
  return error instanceof Error && (error.name === 'QueueNameExists' || error.name === 'QueueAlreadyExists');
}

/** Creates a FIFO queue, or brings an existing one to the given attributes. */
async function ensureFifoQueue(
  client: SqsCalls,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    ({ QueueUrl: url } = await client.call('CreateQueue', {
      QueueName: name,
      Attributes: { ...attributes, FifoQueue: 'true' },
    }));
  } catch (error) {
    if (!isQueueNameTaken(error)) throw error;
    ({ QueueUrl: url } = await client.call('GetQueueUrl', { QueueName: name }));
    if (url) await client.call('SetQueueAttributes', { QueueUrl: url, Attributes: attributes });
  }
  if (!url) throw new Error(`SQS returned no URL for queue ${name}`);
  const { Attributes } = await client.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['QueueArn'] });
  return { url, arn: sqsArnSchema.parse(Attributes?.QueueArn).arn };
}

/**
 * Creates the work queue and its dead-letter queue for dev mode and tests;
 * in AWS the CDK stack owns them. Safe to call again: an existing queue is
 * updated to the given settings.
 */
export async function ensureQueues(client: SqsCalls, options: EnsureQueuesOptions): Promise<EnsuredQueues> {
  const deadLetter = await ensureFifoQueue(client, `${options.name}-dlq.fifo`, {
    MessageRetentionPeriod: String(deadLetterRetentionSeconds),
  });
  const work = await ensureFifoQueue(client, `${options.name}.fifo`, {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.arn, maxReceiveCount: options.maxReceiveCount }),
  });
  return {
    queueUrl: work.url,
    queueArn: work.arn,
    deadLetterQueueUrl: deadLetter.url,
    deadLetterQueueArn: deadLetter.arn,
  };
}
