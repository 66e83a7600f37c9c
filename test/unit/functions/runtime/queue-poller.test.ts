import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createInProcessQueue, type InProcessQueue } from '#functions/adapters/in-process-queue.ts';
import { startQueuePoller, type SqsBatchHandler } from '#functions/runtime/queue-poller.ts';

const queueArn = 'arn:aws:sqs:eu-west-1:000000000000:berth-reconcile.fifo';

/** A short visibility timeout, so that redeliveries come within a test's patience. */
function newQueue(): InProcessQueue {
  const queue = createInProcessQueue({ visibilityTimeoutSeconds: 0.2, maxReceiveCount: 5 });
  onTestFinished(() => queue.close());
  return queue;
}

/** Records the events a handler gets, and lets a test await the nth one. */
function eventLog(respond: (event: SQSEvent, call: number) => Promise<SQSBatchResponse | void>) {
  const events: SQSEvent[] = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const handler: SqsBatchHandler = async (event) => {
    events.push(event);
    for (const waiter of waiting.filter((w) => events.length >= w.count)) waiter.resolve();
    return respond(event, events.length);
  };
  async function nth(count: number, timeoutMs = 5_000): Promise<SQSEvent> {
    if (events.length < count) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Only ${events.length} of ${count} events`)), timeoutMs);
        waiting.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
    const event = events[count - 1];
    if (!event) throw new Error(`No event ${count}`);
    return event;
  }
  return { events, handler, nth };
}

function poll(queue: InProcessQueue, handler: SqsBatchHandler, errors: unknown[] = []) {
  const poller = startQueuePoller({ queue, handler, queueArn, onError: (error) => errors.push(error) });
  onTestFinished(async () => {
    const stopped = poller.stop();
    queue.close(); // ends the pending long poll, so stop() need not wait it out
    await stopped;
  });
  return poller;
}

const bodies = (event: SQSEvent): string[] => event.Records.map((record) => record.body);
const ids = (event: SQSEvent): string[] => event.Records.map((record) => record.messageId);

describe('startQueuePoller', () => {
  it('hands the handler records shaped as Lambda shapes them', async () => {
    const queue = newQueue();
    const log = eventLog(async () => ({ batchItemFailures: [] }));
    poll(queue, log.handler);
    await queue.send({ groupId: 'cluster-a', deduplicationId: 'd-1', body: '{"cluster":"a"}' });
    const [record] = (await log.nth(1)).Records;
    expect(record).toMatchObject({
      body: '{"cluster":"a"}',
      messageAttributes: {},
      md5OfBody: createHash('md5').update('{"cluster":"a"}').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'eu-west-1',
      attributes: { ApproximateReceiveCount: '1', MessageGroupId: 'cluster-a', MessageDeduplicationId: 'd-1' },
    });
    expect(record?.attributes.SentTimestamp).toMatch(/^\d{13}$/);
    expect(record?.attributes.ApproximateFirstReceiveTimestamp).toMatch(/^\d{13}$/);
    expect(record?.attributes.SequenceNumber).toMatch(/^\d+$/);
    await queue.whenIdle();
  });

  it('deletes what succeeded and lets only the reported failures come back', async () => {
    const queue = newQueue();
    for (const group of ['a', 'b', 'c']) await queue.send({ groupId: group, deduplicationId: group, body: group });
    const log = eventLog(async (event, call) => {
      const failed = call === 1 ? event.Records.filter((record) => record.body === 'b') : [];
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
    });
    poll(queue, log.handler);
    expect(bodies(await log.nth(1))).toEqual(['a', 'b', 'c']);
    const retry = await log.nth(2);
    expect(bodies(retry)).toEqual(['b']);
    expect(retry.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    await queue.whenIdle();
    expect(log.events).toHaveLength(2);
  });

  it.each<{ failure: string; respond: (event: SQSEvent) => Promise<SQSBatchResponse | void> }>([
    { failure: 'the handler throws', respond: async () => Promise.reject(new Error('reconcile failed')) },
    { failure: 'a failure names no record', respond: async () => ({ batchItemFailures: [{ itemIdentifier: '' }] }) },
    {
      failure: 'a failure names a record of another batch',
      respond: async () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }),
    },
  ])('retries the whole batch when $failure', async ({ respond }) => {
    const queue = newQueue();
    await queue.send({ groupId: 'a', deduplicationId: 'a1', body: 'a1' });
    await queue.send({ groupId: 'a', deduplicationId: 'a2', body: 'a2' });
    await queue.send({ groupId: 'b', deduplicationId: 'b1', body: 'b1' });
    const log = eventLog(async (event, call) => (call === 1 ? respond(event) : undefined));
    const errors: unknown[] = [];
    poll(queue, log.handler, errors);
    const first = await log.nth(1);
    const retry = await log.nth(2);
    expect(bodies(first)).toEqual(['a1', 'a2', 'b1']);
    expect(ids(retry)).toEqual(ids(first));
    expect(retry.Records.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['2', '2', '2']);
    expect(errors).toHaveLength(1);
    await queue.whenIdle();
  });

  it('waits in stop() for the batch in hand to be handled and acknowledged', async () => {
    const queue = newQueue();
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const log = eventLog(async () => gate);
    const poller = poll(queue, log.handler);
    await queue.send({ groupId: 'a', deduplicationId: 'a1', body: 'a1' });
    await log.nth(1);

    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 1, dead: 0 });

    release();
    await stopping;
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 0, dead: 0 });
  });

  it('reports a failing receive and still stops promptly', async () => {
    const queue = newQueue();
    const errors: unknown[] = [];
    const log = eventLog(async () => undefined);
    const poller = poll(queue, log.handler, errors);
    queue.close();
    const started = Date.now();
    await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    await poller.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(log.events).toEqual([]);
  });

  it.each([
    { option: 'a batch of 11', options: { batchSize: 11 } },
    { option: 'no long poll', options: { waitSeconds: 0 } },
    { option: 'a queue URL for an ARN', options: { queueArn: 'https://sqs.eu-west-1.amazonaws.com/0/q.fifo' } },
  ])('refuses $option', ({ options }) => {
    const queue = newQueue();
    expect(() => startQueuePoller({ queue, handler: async () => undefined, queueArn, ...options })).toThrow(RangeError);
  });
});
