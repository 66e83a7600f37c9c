import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import { sdkSqsCalls } from '#functions/adapters/sqs-calls.ts';
import { ensureQueues, type EnsuredQueues } from '#functions/adapters/sqs-queue.ts';
import { awsRuntime } from '#functions/runtime/aws-runtime.ts';
import { awsSecurity } from '#functions/runtime/aws-security.ts';
import { clusters } from '#shared/domain/collections.ts';
import { createCluster } from '#shared/control/clusters.ts';
import { testAwsClientConfig } from '../support/aws-endpoint.ts';

/**
 * The Lambda functions' composition root over an AWS emulator, configured
 * only as Lambda configures a function: the execution role's keys, the
 * region and AWS_ENDPOINT_URL in the environment. Everything it does goes
 * through Berth's lean clients; the test looks at the result through the SDK.
 */
const config = testAwsClientConfig();
const runId = randomUUID().slice(0, 8);
const tableName = `berth-runtime-${runId}`;
const dynamo = new DynamoDBClient(config);
const sqs = new SQSClient(config);
let queues: EnsuredQueues;

beforeAll(async () => {
  await ensureTable(dynamo, tableName);
  queues = await ensureQueues(sdkSqsCalls(sqs), {
    name: `berth-runtime-${runId}`,
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 3,
  });
  const kms = new KMSClient(config);
  const key = await kms.send(new CreateKeyCommand({ Description: 'berth runtime test' }));
  kms.destroy();
  vi.stubEnv('AWS_ENDPOINT_URL', config.endpoint);
  vi.stubEnv('AWS_REGION', config.region);
  vi.stubEnv('AWS_ACCESS_KEY_ID', config.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', config.credentials.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', 'lambda-session-token');
  vi.stubEnv('BERTH_TABLE_NAME', tableName);
  vi.stubEnv('BERTH_QUEUE_URL', queues.queueUrl);
  vi.stubEnv('BERTH_DLQ_URL', queues.deadLetterQueueUrl);
  vi.stubEnv('BERTH_KMS_KEY_ID', key.KeyMetadata?.KeyId ?? 'missing');
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queues.queueUrl }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queues.deadLetterQueueUrl }));
  dynamo.destroy();
  sqs.destroy();
});

describe('the Lambda runtime over the lean clients', () => {
  it('writes and reads the table and sends reconcile requests to the queue', async () => {
    const { ctx } = awsRuntime();
    await createCluster(ctx, { clusterName: 'lean' });
    expect((await ctx.store.get(clusters, clusters.key('lean')))?.value).toMatchObject({ status: 'ACTIVE' });

    await ctx.reconcile.requestReconcile('lean', 'runtime test');
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }),
    );
    expect(JSON.parse(Messages?.[0]?.Body ?? '{}')).toMatchObject({ cluster: 'lean', reason: 'runtime test' });
  });

  it('keeps access key secrets through KMS for the api function', async () => {
    const security = awsSecurity(awsRuntime());
    const created = await security.admin.createAccessKey({ name: 'lean', admin: true });
    expect(created.secretAccessKey).not.toBe('');
    expect((await security.admin.listAccessKeys()).map((key) => key.accessKeyId)).toContain(created.accessKeyId);
  });
});
