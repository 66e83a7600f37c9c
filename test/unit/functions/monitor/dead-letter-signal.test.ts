import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTERED_METRIC,
  deadLetterDepth,
  deadLetterEmf,
  reportDeadLetters,
} from '#functions/monitor/dead-letter-signal.ts';
import type { SqsCalls } from '#functions/adapters/sqs-calls.ts';
import { jsonLogger } from '#functions/runtime/logger.ts';

function recorder() {
  const lines: string[] = [];
  return { lines, logger: jsonLogger((line) => lines.push(line)) };
}

describe('the dead-letter signal', () => {
  it('is an EMF document with the depth as a Count metric under the Berth namespace', () => {
    expect(JSON.parse(deadLetterEmf(3, 1_700_000_000_000))).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          { Namespace: 'Berth', Dimensions: [[]], Metrics: [{ Name: DEAD_LETTERED_METRIC, Unit: 'Count' }] },
        ],
      },
      DeadLetteredReconcileRequests: 3,
    });
  });

  it('counts visible and in-flight messages of the queue', async () => {
    const calls: unknown[] = [];
    const sqs: SqsCalls = {
      call: async (operation, input) => {
        calls.push({ operation, input });
        return {
          Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1' },
        } as never;
      },
    };
    expect(await deadLetterDepth(sqs, 'https://dlq')).toBe(3);
    expect(calls).toEqual([
      {
        operation: 'GetQueueAttributes',
        input: {
          QueueUrl: 'https://dlq',
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        },
      },
    ]);
  });

  it('writes the metric at zero without an error line', async () => {
    const metrics: string[] = [];
    const { lines, logger } = recorder();
    await reportDeadLetters(
      async () => 0,
      (line) => metrics.push(line),
      logger,
      5,
    );
    expect(metrics.map((line) => JSON.parse(line)[DEAD_LETTERED_METRIC])).toEqual([0]);
    expect(lines).toEqual([]);
  });

  it('logs an error while the queue holds requests', async () => {
    const metrics: string[] = [];
    const { lines, logger } = recorder();
    await reportDeadLetters(
      async () => 2,
      (line) => metrics.push(line),
      logger,
      5,
    );
    expect(metrics).toHaveLength(1);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'error', message: 'reconcile requests in the dead-letter queue', count: 2 }),
    ]);
  });

  it('warns, writes no metric and does not throw when the queue cannot be read', async () => {
    const metrics: string[] = [];
    const { lines, logger } = recorder();
    await reportDeadLetters(
      async () => {
        throw new Error('AccessDenied');
      },
      (line) => metrics.push(line),
      logger,
      5,
    );
    expect(metrics).toEqual([]);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 'warn',
      message: 'could not read the dead-letter queue',
    });
  });
});
