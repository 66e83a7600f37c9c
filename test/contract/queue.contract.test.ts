import { randomUUID } from 'node:crypto';
import { DeleteQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createInProcessQueue, ReceiptHandleError } from '#functions/adapters/in-process-queue.ts';
import { sdkSqsCalls, type SqsCalls } from '#functions/adapters/sqs-calls.ts';
import { createSqsJsonClient } from '#functions/adapters/sqs-json-client.ts';
import { createSqsQueue, ensureQueues } from '#functions/adapters/sqs-queue.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import type { DeadLetters, Queue, ReceivedMessage } from '#shared/ports/queue.ts';
import { testAwsClientConfig } from '../support/aws-endpoint.ts';

/**
 * One suite for every Queue adapter: what holds here is what the scheduler
 * may rely on, in dev mode and in AWS alike. Visibility timeouts are short
 * (1 s) and every wait for a delivery is bounded by a deadline.
 */
interface QueueSettings {
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
}

interface Subject {
  readonly queue: Queue;
  readonly deadLetters: DeadLetters;
}

/** Where an emulator parts from real SQS, and the assertions it relaxes. */
interface Quirks {
  /** moto deletes a message given any receipt handle it ever had. */
  readonly staleReceiptHandleDeletes: boolean;
  /** moto forgets a deduplication id once its message is deleted. */
  readonly forgetsDeletedDeduplicationIds: boolean;
}

interface Implementation {
  readonly name: string;
  readonly quirks: Quirks;
  create(settings: QueueSettings): Promise<Subject>;
}

const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  await Promise.allSettled(cleanups.map((cleanup) => Promise.resolve(cleanup())));
});

const inProcess: Implementation = {
  name: 'in-process',
  quirks: { staleReceiptHandleDeletes: false, forgetsDeletedDeduplicationIds: false },
  async create(settings) {
    const queue = createInProcessQueue(settings);
    cleanups.push(() => queue.close());
    return { queue, deadLetters: queue.deadLetters() };
  },
};

const runId = randomUUID().slice(0, 8);
let queueCount = 0;
const onMoto = inject('awsEndpointKind') === 'moto';

/** What the SQS adapter calls SQS through: the SDK's client or Berth's lean JSON client. */
type Via = 'sdk' | 'json';

function sqsCalls(via: Via): { calls: SqsCalls; close: () => void } {
  if (via === 'json') {
    const json = createSqsJsonClient(testAwsClientConfig());
    return { calls: json, close: () => json.destroy() };
  }
  const client = new SQSClient(testAwsClientConfig());
  return { calls: sdkSqsCalls(client), close: () => client.destroy() };
}

/** Removes a test's queues, through the SDK whatever the adapter under test used. */
function deleteQueuesAfterwards(...queueUrls: string[]): void {
  cleanups.push(async () => {
    const client = new SQSClient(testAwsClientConfig());
    for (const QueueUrl of queueUrls) await client.send(new DeleteQueueCommand({ QueueUrl }));
    client.destroy();
  });
}

const sqs = (via: Via): Implementation => ({
  name: `sqs via ${via}`,
  quirks: { staleReceiptHandleDeletes: onMoto, forgetsDeletedDeduplicationIds: onMoto },
  async create(settings) {
    const { calls, close } = sqsCalls(via);
    const queues = await ensureQueues(calls, { name: `berth-contract-${runId}-${++queueCount}`, ...settings });
    deleteQueuesAfterwards(queues.queueUrl, queues.deadLetterQueueUrl);
    cleanups.push(close);
    // Deliberately without deadLetterQueueUrl: the adapter finds it from the RedrivePolicy.
    const queue = createSqsQueue({ client: calls, queueUrl: queues.queueUrl });
    return { queue, deadLetters: queue.deadLetters() };
  },
});

const quick: QueueSettings = { visibilityTimeoutSeconds: 1, maxReceiveCount: 3 };
/** Long enough that nothing is redelivered while a test looks at groups. */
const patient: QueueSettings = { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 };
const deadlineMs = 15_000;

/** Receives until `done` holds for everything received so far; fails at the deadline. */
async function receiveUntil(
  source: DeadLetters,
  done: (received: readonly ReceivedMessage[]) => boolean,
  onEach: (message: ReceivedMessage) => Promise<void> | void = () => {},
  maxMessages = 10,
): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  const until = Date.now() + deadlineMs;
  while (!done(received)) {
    if (Date.now() > until) throw new Error(`Deadline passed with ${JSON.stringify(received.map((m) => m.body))}`);
    for (const message of await source.receive({ maxMessages, waitSeconds: 1 })) {
      received.push(message);
      await onEach(message);
    }
  }
  return received;
}

const receiveOne = async (source: DeadLetters): Promise<ReceivedMessage> => {
  const [message] = await receiveUntil(source, (received) => received.length > 0);
  if (!message) throw new Error('unreachable: receiveUntil returned nothing');
  return message;
};

const send = (queue: Queue, groupId: string, body: string, deduplicationId: string = randomUUID()): Promise<void> =>
  queue.send({ groupId, body, deduplicationId });

describe.each([inProcess, sqs('sdk'), sqs('json')])('Queue contract: $name', (implementation) => {
  it.concurrent('delivers a sent message once it is received, and never after it is deleted', async ({ expect }) => {
    const { queue } = await implementation.create(quick);
    await send(queue, 'cluster-a', 'hello');
    const message = await receiveOne(queue);
    expect(message).toMatchObject({ groupId: 'cluster-a', body: 'hello', receiveCount: 1 });
    expect(message.messageId).not.toBe('');
    expect(message.receiptHandle).not.toBe('');
    await queue.delete(message.receiptHandle);
    // Longer than the visibility timeout: an undeleted message would be back.
    expect(await queue.receive({ maxMessages: 10, waitSeconds: 2 })).toEqual([]);
  });

  it.concurrent('delivers the messages of one group in the order they were sent', async ({ expect }) => {
    const { queue } = await implementation.create(quick);
    const bodies = ['1', '2', '3', '4', '5'];
    for (const body of bodies) await send(queue, 'cluster-a', body);
    const received = await receiveUntil(
      queue,
      (all) => all.length >= bodies.length,
      (message) => queue.delete(message.receiptHandle),
    );
    expect(received.map((message) => message.body)).toEqual(bodies);
  });

  it.concurrent(
    'holds a group while one of its messages is in flight, and lets other groups flow',
    async ({ expect }) => {
      const { queue } = await implementation.create(patient);
      for (const [groupId, body] of [
        ['a', 'a1'],
        ['a', 'a2'],
        ['b', 'b1'],
        ['b', 'b2'],
      ] as const) {
        await send(queue, groupId, body);
      }
      const [first] = await queue.receive({ maxMessages: 1, waitSeconds: 5 });
      if (!first) throw new Error('nothing received');
      const held = first.groupId;
      const other = held === 'a' ? 'b' : 'a';
      const fromOther = await receiveUntil(
        queue,
        (all) => all.length >= 2,
        (message) => queue.delete(message.receiptHandle),
      );
      expect(fromOther.map((message) => message.body)).toEqual([`${other}1`, `${other}2`]);
      expect(await queue.receive({ maxMessages: 10, waitSeconds: 1 })).toEqual([]);

      await queue.delete(first.receiptHandle);
      const rest = await receiveOne(queue);
      expect(rest.body).toBe(`${held}2`);
    },
  );

  it.concurrent('drops a message whose deduplication id was sent before', async ({ expect }) => {
    const { queue } = await implementation.create(quick);
    await send(queue, 'cluster-a', 'first', 'reconcile-1');
    // The default deduplication scope is the queue, not the group.
    await send(queue, 'cluster-b', 'second', 'reconcile-1');
    const message = await receiveOne(queue);
    expect(message.body).toBe('first');
    await queue.delete(message.receiptHandle);
    expect(await queue.receive({ maxMessages: 10, waitSeconds: 1 })).toEqual([]);

    await send(queue, 'cluster-a', 'third', 'reconcile-1');
    const afterDelete = await queue.receive({ maxMessages: 10, waitSeconds: 1 });
    // SQS remembers the id for five minutes from the first send, deleted or not.
    if (implementation.quirks.forgetsDeletedDeduplicationIds) expect(afterDelete.length).toBeLessThanOrEqual(1);
    else expect(afterDelete).toEqual([]);
  });

  it.concurrent(
    'redelivers an undeleted message after its visibility timeout, counting receives',
    async ({ expect }) => {
      const { queue } = await implementation.create(quick);
      await send(queue, 'cluster-a', 'retry me');
      const first = await receiveOne(queue);
      const second = await receiveOne(queue);
      expect(first.receiveCount).toBe(1);
      expect(second).toMatchObject({ messageId: first.messageId, body: 'retry me', receiveCount: 2 });
      expect(second.receiptHandle).not.toBe(first.receiptHandle);

      // SQS FIFO rejects an expired receipt handle; either way the current
      // delivery must survive, which a third delivery shows.
      await queue.delete(first.receiptHandle).catch(() => {});
      if (implementation.quirks.staleReceiptHandleDeletes) return;
      const third = await receiveOne(queue);
      expect(third).toMatchObject({ messageId: first.messageId, receiveCount: 3 });
      await queue.delete(third.receiptHandle);
      expect(await queue.receive({ maxMessages: 10, waitSeconds: 2 })).toEqual([]);
    },
  );

  it.concurrent('moves a message received maxReceiveCount times to the dead-letter queue', async ({ expect }) => {
    const { queue, deadLetters } = await implementation.create({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    await send(queue, 'cluster-a', 'poison');
    await send(queue, 'cluster-a', 'next');
    // One at a time, or 'next' would come along in the same batch as 'poison'.
    const deliveries = await receiveUntil(
      queue,
      (all) => all.length >= 2 && all.every((m) => m.body === 'poison'),
      undefined,
      1,
    );
    expect(deliveries.map((message) => message.receiveCount)).toEqual([1, 2]);

    // SQS moves the message when a receive finds it spent; the group then flows on.
    const next = await receiveOne(queue);
    expect(next).toMatchObject({ body: 'next', receiveCount: 1 });
    await queue.delete(next.receiptHandle);
    const dead = await receiveOne(deadLetters);
    expect(dead).toMatchObject({ messageId: deliveries[0]?.messageId, groupId: 'cluster-a', body: 'poison' });
  });

  it.concurrent('returns from a long poll as soon as a message arrives', async ({ expect }) => {
    const { queue } = await implementation.create(quick);
    const started = Date.now();
    const polling = queue.receive({ maxMessages: 1, waitSeconds: 10 });
    // The send must come after the poll has begun; a short head start is the stimulus, not a wait.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await send(queue, 'cluster-a', 'wake up');
    const [message] = await polling;
    expect(message?.body).toBe('wake up');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.concurrent('waits out a long poll on an empty queue and returns nothing', async ({ expect }) => {
    const { queue } = await implementation.create(quick);
    const started = Date.now();
    expect(await queue.receive({ maxMessages: 10, waitSeconds: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe.each(['sdk', 'json'] as const)('SQS adapter via %s: ensureQueues', (via) => {
  it('creates the queue and its dead-letter queue, and converges when called again', async () => {
    const { calls, close } = sqsCalls(via);
    cleanups.push(close);
    const client = new SQSClient(testAwsClientConfig());
    const name = `berth-ensure-${runId}-${via}`;
    const first = await ensureQueues(calls, { name, visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    const again = await ensureQueues(calls, { name, visibilityTimeoutSeconds: 45, maxReceiveCount: 4 });
    deleteQueuesAfterwards(first.queueUrl, first.deadLetterQueueUrl);
    cleanups.push(() => client.destroy());
    expect(again).toEqual(first);
    expect(first.queueArn).toMatch(new RegExp(`:${name}\\.fifo$`));
    expect(first.deadLetterQueueArn).toMatch(new RegExp(`:${name}-dlq\\.fifo$`));
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: first.queueUrl, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({ FifoQueue: 'true', VisibilityTimeout: '45' });
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
      deadLetterTargetArn: first.deadLetterQueueArn,
      maxReceiveCount: 4,
    });
  });
});

describe('in-process adapter, beyond the contract', () => {
  const options = { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 };

  it('rejects an expired receipt handle and keeps the current delivery', async () => {
    const clock = new ManualClock();
    const queue = createInProcessQueue({ ...options, clock });
    await send(queue, 'cluster-a', 'm');
    const [first] = await queue.receive({ maxMessages: 1 });
    clock.advance(30_000);
    // Expired, though nobody has received the message since.
    await expect(queue.delete(first?.receiptHandle ?? '')).rejects.toMatchObject({ reason: 'expired' });
    const [second] = await queue.receive({ maxMessages: 1 });
    expect(second?.receiveCount).toBe(2);
    await expect(queue.delete(first?.receiptHandle ?? '')).rejects.toMatchObject({ reason: 'expired' });
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 1, dead: 0 });
    await queue.delete(second?.receiptHandle ?? '');
    await queue.delete(second?.receiptHandle ?? ''); // deleting twice is harmless, as in SQS
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 0, dead: 0 });
    await expect(queue.delete('not-a-handle')).rejects.toBeInstanceOf(ReceiptHandleError);
  });

  it('forgets a deduplication id once its window has passed', async () => {
    const clock = new ManualClock();
    const queue = createInProcessQueue({ ...options, clock, deduplicationWindowSeconds: 60 });
    await queue.send({ groupId: 'g', deduplicationId: 'd', body: 'one' });
    clock.advance(59_999);
    await queue.send({ groupId: 'g', deduplicationId: 'd', body: 'dropped' });
    clock.advance(1);
    await queue.send({ groupId: 'g', deduplicationId: 'd', body: 'two' });
    const received = await queue.receive({ maxMessages: 10 });
    expect(received.map((message) => message.body)).toEqual(['one', 'two']);
  });

  it('ends pending long polls on close and refuses work after it', async () => {
    const queue = createInProcessQueue(options);
    const polling = queue.receive({ maxMessages: 1, waitSeconds: 20 });
    queue.close();
    expect(await polling).toEqual([]);
    await expect(send(queue, 'g', 'late')).rejects.toThrow('closed');
  });

  it('reports idleness once every message is deleted or dead', async () => {
    const queue = createInProcessQueue(options);
    await send(queue, 'g', 'm');
    const idle = queue.whenIdle(5_000);
    const [message] = await queue.receive({ maxMessages: 1 });
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 1, dead: 0 });
    await queue.delete(message?.receiptHandle ?? '');
    await expect(idle).resolves.toBeUndefined();
  });

  it.each([
    { options: { maxMessages: 0 } },
    { options: { maxMessages: 11 } },
    { options: { maxMessages: 1, waitSeconds: 21 } },
    { options: { maxMessages: 1, waitSeconds: 0.5 } },
  ])('refuses receive options SQS refuses: $options', async ({ options: receiveOptions }) => {
    const queue = createInProcessQueue(options);
    await expect(queue.receive(receiveOptions)).rejects.toBeInstanceOf(RangeError);
  });
});
