import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type DesiredStatus,
} from '@aws-sdk/client-ecs';
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

const run = promisify(execFile);
const CLUSTER = 'lambda-path';

/**
 * Berth as the CDK stack deploys it: the synthesized bundles in their own
 * processes behind a function URL, an SQS event source mapping and a
 * schedule, over moto's DynamoDB, SQS and KMS. A user bootstraps the first
 * key, then drives it with the AWS CLI while real agents run real containers.
 */
describe('the production path: Lambda bundles over DynamoDB, SQS and KMS', { timeout: 240_000 }, () => {
  let harness: LambdaHarness;
  let image: string;
  let target: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  const agents: AgentProcess[] = [];

  let sdk: ECSClient;
  // The user's steps go through the AWS CLI; the waits read with the SDK, which
  // starts no process per look.
  const ecs = (...args: string[]) => awsEcs(target, ...args);

  function startAgent(): Promise<string> {
    const agent = new AgentProcess({
      endpoint: harness.endpoint,
      cluster: CLUSTER,
      registrationToken: () => requestRegistrationToken(harness.endpoint, target.credentials, CLUSTER),
    });
    agents.push(agent);
    return agent.start();
  }

  async function tasks(filter: { serviceName?: string; desiredStatus?: DesiredStatus } = {}) {
    const listed = await sdk.send(new ListTasksCommand({ cluster: CLUSTER, ...filter }));
    if (!listed.taskArns?.length) return [];
    const described = await sdk.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }));
    return described.tasks ?? [];
  }

  async function runningOf(serviceName: string) {
    return (await tasks({ serviceName })).filter((t) => t.lastStatus === 'RUNNING');
  }

  beforeAll(async () => {
    image = await ensureBusyboxImage();
    harness = await startLambdaHarness({
      awsEndpoint: testAwsEndpoint(),
      // The stack's own props: the shortest lease it allows, so a lost host shows in seconds.
      stackProps: { heartbeatTtlSeconds: 5, pollIntervalSeconds: 1 },
      monitorIntervalMs: 2_000,
    });
  }, 180_000);

  afterAll(async () => {
    for (const agent of agents) await agent.destroy().catch(() => undefined);
    sdk?.destroy();
    await harness?.stop();
    await removeClusterContainers(CLUSTER);
  });

  it('runs the bundles the stack deploys, with the stack’s environment', () => {
    const api = harness.blueprint.functions.api;
    expect(api.codeDir).toContain(harness.blueprint.outdir);
    expect(harness.blueprint.eventSource).toEqual({ batchSize: 10, reportBatchItemFailures: true });
    expect(harness.blueprint.monitorRateSeconds).toBe(60);
    expect(Object.keys(api.environment)).toEqual(
      expect.arrayContaining(['BERTH_TABLE_NAME', 'BERTH_QUEUE_URL', 'BERTH_DLQ_URL', 'BERTH_KMS_KEY_ID']),
    );
  });

  it('berth bootstrap creates the first administrator key once, and the key signs AWS CLI calls', async () => {
    const created = await bootstrapFirstKey(harness);
    if (!created.accessKey) throw new Error(`bootstrap created no key: ${created.stdout}`);
    target = { endpoint: harness.endpoint, credentials: created.accessKey };
    sdk = new ECSClient({ endpoint: harness.endpoint, region: 'us-east-1', credentials: created.accessKey });
    expect((await bootstrapFirstKey(harness)).stdout).toMatch(/holds access keys already; nothing created/);

    const cluster = (await ecs('create-cluster', '--cluster-name', CLUSTER)) as { cluster: { status: string } };
    expect(cluster.cluster.status).toBe('ACTIVE');
    const wrongKey = { endpoint: harness.endpoint, credentials: { ...created.accessKey, secretAccessKey: 'wrong' } };
    await expect(awsEcs(wrongKey, 'list-clusters')).rejects.toThrow(
      /SignatureDoesNotMatch|UnrecognizedClient|signature/i,
    );
  });

  it('registers two agents through the function URL', async () => {
    const ids = await Promise.all([startAgent(), startAgent()]);
    const listed = (await ecs('list-container-instances', '--cluster', CLUSTER)) as { containerInstanceArns: string[] };
    expect(listed.containerInstanceArns.map((arn) => arn.split('/').pop()).sort()).toEqual([...ids].sort());
  });

  it('RunTask reaches RUNNING on a real container through the event source and the agent', async () => {
    await ecs(
      'register-task-definition',
      '--family',
      'lp',
      '--container-definitions',
      JSON.stringify([{ name: 'app', image, memory: 32, command: ['sleep', '3600'], stopTimeout: 1 }]),
    );
    const started = (await ecs('run-task', '--cluster', CLUSTER, '--task-definition', 'lp')) as {
      tasks: { taskArn: string }[];
    };
    const arn = started.tasks[0]?.taskArn ?? '';
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:task\/lambda-path\//);
    await waitFor(
      async () => ((await tasks()).find((t) => t.taskArn === arn)?.lastStatus === 'RUNNING' ? true : undefined),
      {
        timeoutMs: 120_000,
        what: 'the task RUNNING',
      },
    );
    await ecs('stop-task', '--cluster', CLUSTER, '--task', arn);
    await waitFor(
      async () =>
        (await tasks({ desiredStatus: 'STOPPED' })).some((t) => t.taskArn === arn && t.lastStatus === 'STOPPED')
          ? true
          : undefined,
      {
        timeoutMs: 120_000,
        what: 'the task STOPPED',
      },
    );
  });

  it('rolls a service to a new task definition revision', async () => {
    await ecs(
      'create-service',
      '--cluster',
      CLUSTER,
      '--service-name',
      'web',
      '--task-definition',
      'lp:1',
      '--desired-count',
      '2',
    );
    await waitFor(async () => ((await runningOf('web')).length === 2 ? true : undefined), {
      timeoutMs: 120_000,
      what: 'two tasks of revision 1 RUNNING',
    });
    await ecs(
      'register-task-definition',
      '--family',
      'lp',
      '--container-definitions',
      JSON.stringify([
        {
          name: 'app',
          image,
          memory: 32,
          command: ['sleep', '3600'],
          stopTimeout: 1,
          environment: [{ name: 'REV', value: '2' }],
        },
      ]),
    );
    await ecs('update-service', '--cluster', CLUSTER, '--service', 'web', '--task-definition', 'lp:2');
    const settled = await waitFor(
      async () => {
        const service = await sdk.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }));
        const deployments = service.services?.[0]?.deployments ?? [];
        const running = await runningOf('web');
        const done =
          deployments.length === 1 &&
          deployments[0]?.rolloutState === 'COMPLETED' &&
          running.length === 2 &&
          running.every((t) => t.taskDefinitionArn?.endsWith(':task-definition/lp:2'));
        return done ? running : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the deployment of revision 2 COMPLETED' },
    );
    expect(settled).toHaveLength(2);
  });

  it('replaces the tasks of a lost host, and takes the host back when its agent returns', async () => {
    const before = await runningOf('web');
    const victim = agents.find((agent) =>
      before.some((t) => t.containerInstanceArn?.endsWith(agent.instanceId ?? '?')),
    );
    if (!victim?.instanceId) throw new Error('no agent runs a task of the service');
    const victimId = victim.instanceId;

    await victim.kill9();
    const orphans = await containersLabelled({ 'com.berth.instance-id': victimId });
    if (orphans.length > 0) await run('docker', ['kill', ...orphans]);

    const replaced = await waitFor(
      async () => {
        const running = await runningOf('web');
        return running.length === 2 && running.every((t) => !t.containerInstanceArn?.endsWith(victimId))
          ? running
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the lost tasks replaced on the other host' },
    );
    expect(replaced).toHaveLength(2);
    const lostArns = before.filter((t) => t.containerInstanceArn?.endsWith(victimId)).map((t) => t.taskArn ?? '');
    const lost = await sdk.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: lostArns }));
    expect(lost.tasks?.length).toBeGreaterThan(0);
    for (const task of lost.tasks ?? []) {
      expect(task.lastStatus).toBe('STOPPED');
      expect(task.stoppedReason).toMatch(/Task lost/);
    }

    await victim.start();
    await waitFor(
      async () => {
        const described = (await ecs(
          'describe-container-instances',
          '--cluster',
          CLUSTER,
          '--container-instances',
          victimId,
        )) as {
          containerInstances: { agentConnected: boolean; status: string }[];
        };
        const instance = described.containerInstances[0];
        return instance?.agentConnected && instance.status === 'ACTIVE' ? true : undefined;
      },
      { timeoutMs: 120_000, what: 'the returning agent connected again' },
    );
    const running = await runningOf('web');
    expect(running).toHaveLength(2);
  });
});
