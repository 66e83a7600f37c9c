import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/** A context as Lambda's Node runtime passes it, for one request id. */
function lambdaContext(awsRequestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'berth-scheduler',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:berth-scheduler',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/berth-scheduler',
    logStreamName: '2026/12/06/[$LATEST]0123',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** A message that is no reconcile request: the scheduler reports it failed and logs it, without a store call. */
function poisonEvent(sentAt: number): SQSEvent {
  return {
    Records: [
      {
        messageId: 'm1',
        receiptHandle: 'r1',
        body: 'not json',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(sentAt),
          SenderId: 'sender',
          ApproximateFirstReceiveTimestamp: String(sentAt),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:berth.fifo',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

function jsonLines(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls
    .map(([chunk]) => String(chunk).trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the scheduler Lambda entry', () => {
  beforeAll(() => {
    // The runtime is built on first use from the environment; the poison message reaches neither DynamoDB nor SQS.
    vi.stubEnv('BERTH_TABLE_NAME', 'berth-test');
    vi.stubEnv('BERTH_QUEUE_URL', 'http://127.0.0.1:9/queue/berth.fifo');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  });
  afterAll(() => vi.unstubAllEnvs());

  it('logs cold_start true in its first invocation and false in the next, each with its request id', async () => {
    const { handler } = await import('#functions/scheduler/handler.ts');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const sentAt = Date.now() - 5_000;
      expect(await handler(poisonEvent(sentAt), lambdaContext('request-1'))).toEqual({
        batchItemFailures: [{ itemIdentifier: 'm1' }],
      });
      await handler(poisonEvent(sentAt), lambdaContext('request-2'));
      const logs = jsonLines(stderr).filter((line) => line.message === 'poison reconcile message');
      expect(logs.map((line) => [line.level, line.cold_start, line.function_request_id, line.function_name])).toEqual([
        ['WARN', true, 'request-1', 'berth-scheduler'],
        ['WARN', false, 'request-2', 'berth-scheduler'],
      ]);
      const metrics = jsonLines(stdout).filter((line) => line._aws !== undefined);
      expect(metrics).toHaveLength(2);
      expect(metrics[0]).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Namespace: 'Berth', Dimensions: [['Function']] }] },
        Function: 'scheduler',
      });
      expect(metrics[0]?.QueueAge).toBeGreaterThanOrEqual(5_000);
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
  });
});
