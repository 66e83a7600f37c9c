import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess } from '../support/agent-process.ts';
import { removeClusterContainers } from '../support/agents.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { startFakeImds } from '../support/fake-imds.ts';
import { startHarnessWithAdmin } from '../support/lambda-harness/bootstrap.ts';
import type { LambdaHarness } from '../support/lambda-harness/index.ts';
import { requestRegistrationToken } from '../support/registration-token.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'cwlogs';
/** The cluster of the agent whose host has an instance role and no keys in its environment. */
const ROLE_CLUSTER = 'cwlogs-role';
/** Log groups of this run: moto's state is shared by every suite of the test run. */
const RUN = randomUUID().slice(0, 8);

/**
 * An agent on an AWS host with `--awslogs cloudwatch`: Berth as the stack
 * deploys it (Lambda bundles over moto), the agent's own process with the
 * host's credentials and CloudWatch Logs endpoint (moto's) in its
 * environment, real containers.
 */
describe('awslogs containers in CloudWatch Logs, written by the agent', { timeout: 240_000 }, () => {
  let harness: LambdaHarness;
  let image: string;
  let ecs: ECSClient;
  let logs: CloudWatchLogsClient;
  let agent: AgentProcess;
  let roleImds: Awaited<ReturnType<typeof startFakeImds>> | undefined;
  let roleAgent: AgentProcess | undefined;

  beforeAll(async () => {
    image = await ensureBusyboxImage();
    let credentials: { accessKeyId: string; secretAccessKey: string };
    ({ harness, admin: credentials } = await startHarnessWithAdmin());
    ecs = new ECSClient({ endpoint: harness.endpoint, region: 'us-east-1', credentials });
    const { AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = harness.env;
    logs = new CloudWatchLogsClient({
      endpoint: AWS_ENDPOINT_URL,
      region: AWS_REGION,
      credentials: { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY },
    });
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    agent = new AgentProcess({
      endpoint: harness.endpoint,
      cluster: CLUSTER,
      registrationToken: () => requestRegistrationToken(harness.endpoint, credentials, CLUSTER),
      args: ['--awslogs', 'cloudwatch'],
      // The host's credentials and region, and CloudWatch Logs' endpoint the SDK's standard way.
      env: { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY },
    });
    await agent.start();
  }, 240_000);

  afterAll(async () => {
    await agent?.destroy().catch(() => undefined);
    await roleAgent?.destroy().catch(() => undefined);
    await roleImds?.close();
    await removeClusterContainers(ROLE_CLUSTER);
    ecs?.destroy();
    logs?.destroy();
    await harness?.stop();
    await removeClusterContainers(CLUSTER);
  });

  async function runTask(
    family: string,
    command: string,
    options: Record<string, string>,
    cluster = CLUSTER,
  ): Promise<string> {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: 'web',
            image,
            memory: 32,
            stopTimeout: 5,
            command: ['sh', '-c', command],
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'app', ...options },
            },
          },
        ],
      }),
    );
    const started = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const arn = started.tasks?.[0]?.taskArn;
    if (!arn) throw new Error(`RunTask placed nothing: ${JSON.stringify(started.failures)}`);
    return arn.split('/').at(-1) ?? '';
  }

  async function task(taskId: string): Promise<Task | undefined> {
    return (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskId] }))).tasks?.[0];
  }

  /** Every message of the stream, oldest first, page after page. */
  async function messages(group: string, stream: string): Promise<string[]> {
    const all: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await logs
        .send(
          new GetLogEventsCommand({
            logGroupName: group,
            logStreamName: stream,
            startFromHead: true,
            ...(token && { nextToken: token }),
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
          throw error;
        });
      if (!page) return all;
      all.push(...(page.events ?? []).map((e) => e.message ?? ''));
      if (!page.events?.length || !page.nextForwardToken || page.nextForwardToken === token) return all;
      token = page.nextForwardToken;
    }
  }

  async function awaitMessages(group: string, stream: string, count: number): Promise<string[]> {
    return withAgentOutput(() =>
      waitFor(
        async () => {
          const found = await messages(group, stream);
          return found.length >= count ? found : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500, what: `${count} lines in ${group} ${stream}` },
      ),
    );
  }

  /** A wait that times out says what the agent logged. */
  async function withAgentOutput<T>(wait: () => Promise<T>): Promise<T> {
    try {
      return await wait();
    } catch (error) {
      throw new Error(
        `${String(error)}\nagent output:\n${agent.output}${roleAgent ? `\nrole agent output:\n${roleAgent.output}` : ''}`,
      );
    }
  }

  async function awsLogsTail(group: string, stream: string): Promise<string> {
    const { stdout } = await run(
      process.env.BERTH_AWS_CLI ?? 'aws',
      [
        'logs',
        'tail',
        group,
        '--log-stream-names',
        stream,
        '--since',
        '1h',
        '--format',
        'short',
        '--endpoint-url',
        harness.env.AWS_ENDPOINT_URL,
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: harness.env.AWS_ACCESS_KEY_ID,
          AWS_SECRET_ACCESS_KEY: harness.env.AWS_SECRET_ACCESS_KEY,
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PAGER: '',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
    );
    return stdout;
  }

  it('creates the group with awslogs-create-group true and writes the lines to prefix/container/task-id', async () => {
    const group = `/ecs/cw-${RUN}/printer`;
    const taskId = await runTask('cw-printer', 'for i in 1 2 3; do echo line-$i; done', {
      'awslogs-group': group,
      'awslogs-create-group': 'true',
    });
    const stream = `app/web/${taskId}`;
    expect(await awaitMessages(group, stream, 3)).toEqual(['line-1', 'line-2', 'line-3']);
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual([group]);

    const tail = await awsLogsTail(group, stream);
    expect(
      tail
        .trim()
        .split('\n')
        .map((line) => line.split(' ').slice(1).join(' ')),
    ).toEqual(['line-1', 'line-2', 'line-3']);
  });

  it('writes to an existing group without awslogs-create-group', async () => {
    const group = `/ecs/cw-${RUN}/existing`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const taskId = await runTask('cw-existing', 'echo hello', { 'awslogs-group': group });
    expect(await awaitMessages(group, `app/web/${taskId}`, 1)).toEqual(['hello']);
  });

  it('stops the task with the engine driver’s reason when the group is missing and not to be created', async () => {
    const group = `/ecs/cw-${RUN}/missing`;
    const taskId = await runTask('cw-missing', 'echo never', {
      'awslogs-group': group,
      'awslogs-create-group': 'false',
    });
    const stopped = await waitFor(
      async () => {
        const found = await task(taskId);
        return found?.lastStatus === 'STOPPED' ? found : undefined;
      },
      { timeoutMs: 120_000, what: 'the task STOPPED' },
    );
    expect(stopped.containers?.[0]?.reason, `${JSON.stringify(stopped)}\n${agent.output}`).toMatch(
      /^CannotStartContainerError: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException/,
    );
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(groups.logGroups).toEqual([]);
  });

  it('delivers a burst of 20,000 lines complete and in order, and sends none twice after the agent restarts', async () => {
    const group = `/ecs/cw-${RUN}/burst`;
    const taskId = await runTask(
      'cw-burst',
      "trap 'echo bye; exit 0' TERM; seq 1 20000; while true; do sleep 1; done",
      { 'awslogs-group': group, 'awslogs-create-group': 'true' },
    );
    const stream = `app/web/${taskId}`;
    const expected = Array.from({ length: 20_000 }, (_, i) => String(i + 1));
    expect(await awaitMessages(group, stream, 20_000)).toEqual(expected);

    // A crash: the agent starts again, follows the running container from the start of its local log, resumes after the stream's last event.
    await agent.kill9();
    await agent.start();
    await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: taskId }));
    expect(await awaitMessages(group, stream, 20_001)).toEqual([...expected, 'bye']);
  });
  it('ships with the instance role from IMDSv2 when the host has no keys in its environment', async () => {
    const { AWS_ENDPOINT_URL, AWS_SECRET_ACCESS_KEY } = harness.env;
    roleImds = await startFakeImds({
      instanceId: 'i-0c10d0a1e5b0e7a11',
      region: 'us-east-1',
      role: {
        name: 'berth-agent-host',
        // moto takes any key id; the secret is what the test's client signs with.
        credentials: () => ({
          AccessKeyId: 'ASIAROLEFROMIMDS',
          SecretAccessKey: AWS_SECRET_ACCESS_KEY,
          Token: 'role-session-token',
          Expiration: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
        }),
      },
    });
    await ecs.send(new CreateClusterCommand({ clusterName: ROLE_CLUSTER }));
    const credentials = await ecs.config.credentials();
    roleAgent = new AgentProcess({
      endpoint: harness.endpoint,
      cluster: ROLE_CLUSTER,
      registrationToken: () => requestRegistrationToken(harness.endpoint, credentials, ROLE_CLUSTER),
      args: ['--awslogs', 'cloudwatch'],
      imdsEndpoint: roleImds.endpoint,
      // No keys and no region in the environment: both come from the metadata service.
      env: {
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: AWS_ENDPOINT_URL,
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_SESSION_TOKEN: '',
        AWS_REGION: '',
        AWS_DEFAULT_REGION: '',
      },
    });
    await roleAgent.start();

    const group = `/ecs/cw-${RUN}/role`;
    const taskId = await runTask(
      'cw-role',
      'echo from-role-1; echo from-role-2',
      { 'awslogs-group': group, 'awslogs-create-group': 'true' },
      ROLE_CLUSTER,
    );
    expect(await awaitMessages(group, `app/web/${taskId}`, 2)).toEqual(['from-role-1', 'from-role-2']);
    expect(roleImds.served.credentials).toBeGreaterThanOrEqual(1);
  });
});
