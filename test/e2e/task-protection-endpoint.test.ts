import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand,
  DescribeTasksCommand,
  GetTaskProtectionCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'protect-endpoint';

/** The runtime id of a task's `app` container, from DescribeTasks. */
function appContainer(task: Task): string {
  const id = task.containers?.find((c) => c.name === 'app')?.runtimeId;
  if (!id) throw new Error(`task ${task.taskArn} has no app container yet`);
  return id;
}

async function agentUri(runtimeId: string): Promise<string> {
  const { stdout } = await run('docker', ['exec', runtimeId, 'sh', '-c', 'echo "$ECS_AGENT_URI"']);
  return stdout.trim();
}

/**
 * One HTTP/1.0 request from inside a container, with busybox's nc (its wget
 * cannot PUT): the status and the JSON body.
 */
async function request(
  runtimeId: string,
  method: 'GET' | 'PUT',
  uri: string,
  body?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(uri);
  const payload = body ?? '';
  const head = [
    `${method} ${url.pathname} HTTP/1.0`,
    `Host: ${url.host}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(payload)}`,
  ].join('\r\n');
  const raw = `${head}\r\n\r\n${payload}`;
  const { stdout } = await run('docker', [
    'exec',
    runtimeId,
    'sh',
    '-c',
    // nc stops reading the network once its input ends, so the input stays open until an answer is in.
    `rm -f /tmp/answer; (printf '%s' "$0"; i=0; while [ ! -s /tmp/answer ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; sleep 0.3) | nc ${url.hostname} ${url.port} > /tmp/answer; cat /tmp/answer`,
    raw,
  ]);
  const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(stdout)?.[1]);
  const text = stdout.slice(stdout.indexOf('\r\n\r\n') + 4);
  return { status, json: JSON.parse(text) as Record<string, unknown> };
}

/**
 * ECS_AGENT_URI's task scale-in protection endpoint with real containers:
 * a container protects its own task through its agent, in the ECS agent's
 * documents, and cannot reach another task's.
 */
describe('the agent endpoint for task protection', { timeout: 180_000 }, () => {
  let cluster: ContainerCluster;
  let serviceTasks: Task[];
  let standalone: Task;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    const { ecs } = cluster.berth;
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'worker',
        containerDefinitions: [
          { name: 'app', image: cluster.image, memory: 32, cpu: 32, command: ['sleep', '600'], stopTimeout: 1 },
        ],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'jobs', taskDefinition: 'worker', desiredCount: 2 }),
    );
    const started = await ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'worker' }));
    const standaloneArn = started.tasks?.[0]?.taskArn ?? '';
    const all = await waitFor(
      async () => {
        const listed = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, desiredStatus: 'RUNNING' }));
        if (listed.taskArns?.length !== 3) return undefined;
        const described = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }));
        const tasks = described.tasks ?? [];
        return tasks.every((t) => t.lastStatus === 'RUNNING' && t.containers?.[0]?.runtimeId) ? tasks : undefined;
      },
      { timeoutMs: 120_000, what: 'three running tasks' },
    );
    standalone = all.find((t) => t.taskArn === standaloneArn) as Task;
    serviceTasks = all.filter((t) => t.taskArn !== standaloneArn);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('sets ECS_AGENT_URI beside the metadata URIs', async () => {
    const uri = await agentUri(appContainer(serviceTasks[0] as Task));
    expect(uri).toMatch(/^http:\/\/[0-9.]+:\d+\/api\/[0-9a-f]{32}$/);
  });

  it('protects the calling task only, as GetTaskProtection then shows', async () => {
    const [mine, other] = serviceTasks as [Task, Task];
    const id = appContainer(mine);
    const uri = await agentUri(id);
    const put = await request(
      id,
      'PUT',
      `${uri}/task-protection/v1/state`,
      '{"ProtectionEnabled":true,"ExpiresInMinutes":30}',
    );
    expect(put.status).toBe(200);
    expect(put.json).toEqual({
      protection: { ProtectionEnabled: true, TaskArn: mine.taskArn, ExpirationDate: expect.any(String) },
    });
    const expires = Date.parse(String((put.json.protection as Record<string, unknown>).ExpirationDate));
    expect(expires - Date.now()).toBeGreaterThan(25 * 60_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(30 * 60_000);

    const got = await request(id, 'GET', `${uri}/task-protection/v1/state`);
    expect(got).toMatchObject({
      status: 200,
      json: { protection: { ProtectionEnabled: true, TaskArn: mine.taskArn } },
    });

    const seen = await cluster.berth.ecs.send(
      new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [mine.taskArn ?? '', other.taskArn ?? ''] }),
    );
    const enabled = new Map(seen.protectedTasks?.map((p) => [p.taskArn, p.protectionEnabled]));
    expect(enabled.get(mine.taskArn)).toBe(true);
    expect(enabled.get(other.taskArn)).toBe(false);

    const cleared = await request(id, 'PUT', `${uri}/task-protection/v1/state`, '{"ProtectionEnabled":false}');
    expect(cleared.json).toEqual({
      protection: { ProtectionEnabled: false, TaskArn: mine.taskArn, ExpirationDate: null },
    });
  });

  it('answers bad requests with the endpoint error document, and changes nothing', async () => {
    const task = serviceTasks[1] as Task;
    const id = appContainer(task);
    const uri = `${await agentUri(id)}/task-protection/v1/state`;
    const unknownMember = await request(id, 'PUT', uri, '{"ProtectionEnabled":true,"Forever":true}');
    expect(unknownMember).toMatchObject({ status: 400, json: { error: { Code: 'InvalidParameterException' } } });
    const missing = await request(id, 'PUT', uri, '{"ExpiresInMinutes":5}');
    expect(missing).toMatchObject({
      status: 400,
      json: { error: { Arn: task.taskArn, Code: 'InvalidParameterException' } },
    });
    const tooLong = await request(id, 'PUT', uri, '{"ProtectionEnabled":true,"ExpiresInMinutes":2881}');
    expect(tooLong.status).toBe(400);
    expect(tooLong.json).toMatchObject({
      error: { Arn: task.taskArn, Code: 'InvalidParameterException', Message: expect.stringContaining('2880') },
    });
    const seen = await cluster.berth.ecs.send(
      new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [task.taskArn ?? ''] }),
    );
    expect(seen.protectedTasks?.[0]?.protectionEnabled).toBe(false);
  });

  it("answers a standalone task ECS's TASK_NOT_VALID failure", async () => {
    const id = appContainer(standalone);
    const answer = await request(
      id,
      'PUT',
      `${await agentUri(id)}/task-protection/v1/state`,
      '{"ProtectionEnabled":true}',
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      failure: { Arn: standalone.taskArn, Reason: 'TASK_NOT_VALID', Detail: expect.any(String) },
    });
  });

  it("refuses a container calling another task's endpoint", async () => {
    const [mine, other] = serviceTasks as [Task, Task];
    const otherUri = await agentUri(appContainer(other));
    const answer = await request(
      appContainer(mine),
      'PUT',
      `${otherUri}/task-protection/v1/state`,
      '{"ProtectionEnabled":true}',
    );
    expect(answer.status).toBe(403);
    const seen = await cluster.berth.ecs.send(
      new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [other.taskArn ?? ''] }),
    );
    expect(seen.protectedTasks?.[0]?.protectionEnabled).toBe(false);
    const made = await request(
      appContainer(mine),
      'GET',
      `${otherUri.replace(/[0-9a-f]{32}$/, '0'.repeat(32))}/task-protection/v1/state`,
    );
    expect(made).toMatchObject({ status: 404, json: { error: { Code: 'ResourceNotFoundException' } } });
  });
});
