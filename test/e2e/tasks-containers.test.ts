import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerDefinition,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { containersLabelled } from '../support/agents.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'agent-e2e';

/** From RunTask to a container on the local engine and back, through the unmodified ECS SDK. */
describe('tasks on real containers through dev mode', { timeout: 120_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;
  let image: string;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    ({ berth, image } = cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function runOne(family: string, container: Omit<ContainerDefinition, 'name' | 'image'>): Promise<string> {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image, ...container }] }),
    );
    const out = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: family }));
    expect(out.failures).toEqual([]);
    return out.tasks?.[0]?.taskArn ?? '';
  }

  async function describeTask(arn: string): Promise<Task> {
    const out = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }));
    return out.tasks?.[0] as Task;
  }

  const until = (arn: string, ok: (t: Task) => boolean, what: string) =>
    waitFor(
      async () => {
        const t = await describeTask(arn);
        return ok(t) ? t : undefined;
      },
      { timeoutMs: 60_000, what },
    );

  it('runs busybox httpd on a dynamic host port that answers on loopback', async () => {
    const arn = await runOne('httpd', {
      memory: 32,
      cpu: 128,
      command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
      portMappings: [{ containerPort: 8080, hostPort: 0 }],
    });
    const task = await until(arn, (t) => t.lastStatus === 'RUNNING', 'RUNNING');
    const binding = task.containers?.[0]?.networkBindings?.[0];
    expect(binding).toMatchObject({ containerPort: 8080, protocol: 'tcp' });
    expect(binding?.hostPort).toBeGreaterThan(0);
    const answer = await waitFor(
      async () => {
        const r = await fetch(`http://127.0.0.1:${binding?.hostPort}/`).catch(() => undefined);
        return r ? r.status : undefined;
      },
      { what: 'httpd to answer' },
    );
    expect([200, 403, 404]).toContain(answer);
    expect(task.startedAt).toBeDefined();
    expect(task.pullStartedAt).toBeDefined();

    // cpu and memory limits reach the engine.
    const [id] = await containersLabelled({ 'com.berth.task-id': arn.split('/').pop() ?? '' });
    const { stdout } = await run('docker', [
      'inspect',
      '--format',
      '{{.HostConfig.Memory}} {{.HostConfig.CpuShares}}',
      id ?? '',
    ]);
    expect(stdout.trim()).toBe(`${32 * 1024 * 1024} 128`);
  });

  it('reports a container that exits 3 as STOPPED with its exit code', async () => {
    const arn = await runOne('exit3', { memory: 16, command: ['sh', '-c', 'exit 3'] });
    const task = await until(arn, (t) => t.lastStatus === 'STOPPED', 'STOPPED');
    expect(task.containers?.[0]?.exitCode).toBe(3);
    expect(task.stoppedReason).toBe('Essential container in task exited');
    expect(task.stopCode).toBe('EssentialContainerExited');
    expect(task.stoppedAt).toBeDefined();
    expect(task.executionStoppedAt).toBeDefined();
  });

  it('reports a failing health check as UNHEALTHY', async () => {
    const arn = await runOne('sick', {
      memory: 16,
      command: ['sleep', '3600'],
      stopTimeout: 1,
      healthCheck: { command: ['CMD-SHELL', 'exit 1'], interval: 5, timeout: 2, retries: 1 },
    });
    const task = await until(arn, (t) => t.healthStatus === 'UNHEALTHY', 'UNHEALTHY');
    expect(task.containers?.[0]?.healthStatus).toBe('UNHEALTHY');
  });

  it('stops with SIGTERM, then SIGKILL after stopTimeout', async () => {
    const arn = await runOne('stubborn', {
      memory: 16,
      stopTimeout: 3,
      command: ['sh', '-c', "trap '' TERM; while true; do sleep 1; done"],
    });
    await until(arn, (t) => t.lastStatus === 'RUNNING', 'RUNNING');
    const asked = Date.now();
    await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn }));
    const task = await until(arn, (t) => t.lastStatus === 'STOPPED', 'STOPPED');
    const tookSeconds = (Date.now() - asked) / 1000;
    expect(task.containers?.[0]?.exitCode).toBe(137);
    expect(tookSeconds).toBeGreaterThanOrEqual(2.5);
    expect(task.stopCode).toBe('UserInitiated');
  });

  it('stops a task whose image does not exist with CannotPullContainerError', async () => {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'missing',
        containerDefinitions: [{ name: 'app', image: 'berth-test/does-not-exist:1', memory: 16 }],
      }),
    );
    const out = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'missing' }));
    const task = await until(out.tasks?.[0]?.taskArn ?? '', (t) => t.lastStatus === 'STOPPED', 'STOPPED');
    expect(`${task.stoppedReason} ${task.containers?.[0]?.reason}`).toMatch(/CannotPullContainerError/);
  });
});
