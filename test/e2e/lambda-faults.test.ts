import {
  CreateServiceCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess } from '../support/agent-process.ts';
import { containersLabelled, removeClusterContainers } from '../support/agents.ts';
import { awsEcs } from '../support/aws-cli.ts';
import { testAwsEndpoint } from '../support/aws-endpoint.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { bootstrapFirstKey } from '../support/lambda-harness/bootstrap.ts';
import { startLambdaHarness, type LambdaHarness } from '../support/lambda-harness/index.ts';
import { requestRegistrationToken } from '../support/registration-token.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'lambda-faults';
/** Short, so a redelivery (and five of them for a poison message) fits in a test. */
const VISIBILITY_TIMEOUT_SECONDS = 3;

/** Whether an SQS event holds a reconcile request for the test's cluster. */
function reconcilesCluster(event: unknown): boolean {
  return (event as SQSEvent).Records.some((record) => record.body.includes(`"${CLUSTER}"`));
}

/**
 * The scheduler's failures as Lambda and SQS handle them: a crashed
 * invocation's batch comes back after the visibility timeout, and a message
 * that always fails ends in the dead-letter queue after the redrive policy's
 * maxReceiveCount, which the monitor's metric and log then report.
 */
describe('the scheduler under faults, on the production path', { timeout: 240_000 }, () => {
  let harness: LambdaHarness;
  let ecs: ECSClient;
  let sqs: SQSClient;
  let agent: AgentProcess;
  const deliveries: { messageId: string; receiveCount: number; forCluster: boolean }[] = [];

  async function queueDepth(url: string): Promise<number> {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
  }

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    harness = await startLambdaHarness({
      awsEndpoint: testAwsEndpoint(),
      stackProps: { heartbeatTtlSeconds: 5, pollIntervalSeconds: 1 },
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      // The schedule stays out of the way: the monitor runs when a test invokes it.
      monitorIntervalMs: 3_600_000,
    });
    harness.functions.scheduler.onInvocationStart(({ event }) => {
      for (const record of (event as SQSEvent).Records) {
        deliveries.push({
          messageId: record.messageId,
          receiveCount: Number(record.attributes.ApproximateReceiveCount),
          forCluster: record.body.includes(`"${CLUSTER}"`),
        });
      }
    });
    const { accessKey } = await bootstrapFirstKey(harness);
    if (!accessKey) throw new Error('bootstrap created no key');
    ecs = new ECSClient({ endpoint: harness.endpoint, region: 'us-east-1', credentials: accessKey, maxAttempts: 1 });
    sqs = new SQSClient({
      endpoint: harness.env.AWS_ENDPOINT_URL,
      region: harness.env.AWS_REGION,
      credentials: { accessKeyId: harness.env.AWS_ACCESS_KEY_ID, secretAccessKey: harness.env.AWS_SECRET_ACCESS_KEY },
    });
    await awsEcs({ endpoint: harness.endpoint, credentials: accessKey }, 'create-cluster', '--cluster-name', CLUSTER);
    agent = new AgentProcess({
      endpoint: harness.endpoint,
      cluster: CLUSTER,
      registrationToken: () => requestRegistrationToken(harness.endpoint, accessKey, CLUSTER),
    });
    await agent.start();
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'lf',
        containerDefinitions: [{ name: 'app', image, memory: 16, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await agent?.destroy().catch(() => undefined);
    ecs?.destroy();
    sqs?.destroy();
    await harness?.stop();
    await removeClusterContainers(CLUSTER);
  });

  it('redelivers the batch of a scheduler killed before it answered, and places nothing twice', async () => {
    // The first batch for the cluster runs to the end (its placements are
    // written), then its process dies: the mapping never learns the outcome.
    harness.functions.scheduler.crashBeforeNextResponse(reconcilesCluster);
    const invocationsBefore = harness.functions.scheduler.invocations;
    await ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'svc', taskDefinition: 'lf', desiredCount: 3 }),
    );

    const redelivered = await waitFor(
      () => deliveries.find((delivery) => delivery.forCluster && delivery.receiveCount >= 2),
      { timeoutMs: 120_000, what: 'the crashed batch delivered again' },
    );
    const first = deliveries.find((delivery) => delivery.messageId === redelivered.messageId);
    expect(first?.receiveCount).toBe(1);
    await waitFor(async () => ((await queueDepth(harness.state.queueUrl)) === 0 ? true : undefined), {
      timeoutMs: 120_000,
      what: 'the redelivered batch acknowledged',
    });
    expect(harness.functions.scheduler.invocations).toBeGreaterThanOrEqual(invocationsBefore + 2);

    const running = await waitFor(
      async () => {
        const listed = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'svc' }));
        const arns = listed.taskArns ?? [];
        if (arns.length === 0) return undefined;
        const described = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }));
        const tasks = described.tasks ?? [];
        return tasks.length === 3 && tasks.every((task) => task.lastStatus === 'RUNNING') ? tasks : undefined;
      },
      { timeoutMs: 120_000, what: 'the three tasks RUNNING' },
    );
    expect(running).toHaveLength(3);
    // Exactly three tasks ever existed (none stopped as a duplicate), and three containers run.
    const stopped = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, desiredStatus: 'STOPPED' }));
    expect(stopped.taskArns).toEqual([]);
    expect(await containersLabelled({ 'com.berth.cluster': CLUSTER })).toHaveLength(3);
  });

  it('moves a poison message to the dead-letter queue after maxReceiveCount, and the monitor reports it', async () => {
    const maxReceiveCount = harness.blueprint.queue.properties.RedrivePolicy?.maxReceiveCount;
    expect(maxReceiveCount).toBe(5);
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: harness.state.queueUrl,
        MessageBody: 'not a reconcile request',
        MessageGroupId: 'poison',
        MessageDeduplicationId: 'poison-1',
      }),
    );
    await waitFor(async () => ((await queueDepth(harness.state.deadLetterQueueUrl)) === 1 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 250,
      what: 'the poison message in the dead-letter queue',
    });
    const receives = deliveries.filter((delivery) => delivery.messageId === sent.MessageId);
    expect(receives.map((delivery) => delivery.receiveCount)).toEqual([1, 2, 3, 4, 5]);
    expect(await queueDepth(harness.state.queueUrl)).toBe(0);

    await harness.runMonitor();
    const lines = harness.functions.monitor.logs.split('\n').filter((line) => line.startsWith('{'));
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed).toContainEqual(expect.objectContaining({ DeadLetteredReconcileRequests: 1 }));
    expect(parsed).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'reconcile requests in the dead-letter queue',
        count: 1,
        cold_start: expect.any(Boolean),
        function_request_id: expect.any(String),
      }),
    );
    expect(parsed).toContainEqual(expect.objectContaining({ Function: 'monitor', SweepDuration: expect.any(Number) }));
  });
});
