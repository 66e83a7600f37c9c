import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type AgentHandle } from '#agent/index.ts';
import { containersLabelled, removeClusterContainers } from '../support/agents.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'lost-state-dir';
const launcher = fileURLToPath(new URL('../../bin/berth-agent.js', import.meta.url));
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * A host whose agent dies (kill -9) and loses its state directory comes back
 * as a new container instance. The containers it ran for the old instance
 * must not run on untracked next to their replacements: the new agent
 * removes them once no agent answers for the old instance.
 */
describe('an agent whose state directory was lost', { timeout: 150_000 }, () => {
  let berth: TestBerth;
  let child: ChildProcess | undefined;
  let agent: AgentHandle | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'berth-lost-state-'));
  const stateDir = join(scratch, 'state');
  let stderr = '';

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    // A short lease, so the old instance is declared gone within seconds.
    berth = await startBerth({ BERTH_HEARTBEAT_TTL_SECONDS: '10' });
    await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'lsd',
        containerDefinitions: [{ name: 'app', image, memory: 32, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await agent?.stop();
    await berth?.stop();
    await removeClusterContainers(CLUSTER);
    rmSync(scratch, { recursive: true, force: true });
  });

  async function runningTasks(): Promise<Task[]> {
    const listed = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'lsd' }));
    if (!listed.taskArns?.length) return [];
    const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }));
    return (described.tasks ?? []).filter((t) => t.lastStatus === 'RUNNING');
  }

  it('registers as a new instance and removes the old instance’s containers, the service count intact', async () => {
    mkdirSync(stateDir);
    child = spawn(
      process.execPath,
      [
        launcher,
        '--endpoint',
        berth.endpoint,
        '--cluster',
        CLUSTER,
        '--state-dir',
        stateDir,
        '--no-imds',
        '--log-level',
        'warn',
        '--registration-token',
        await berth.registrationToken(CLUSTER),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    const oldInstance = await waitFor(
      async () => {
        const listed = await berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
        return listed.containerInstanceArns?.[0]?.split('/').pop();
      },
      { timeoutMs: 30_000, what: `the first agent to register (${stderr})` },
    );
    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'lsd', taskDefinition: 'lsd', desiredCount: 2 }),
    );
    await waitFor(async () => ((await runningTasks()).length === 2 ? true : undefined), {
      timeoutMs: 60_000,
      what: '2 RUNNING',
    });
    const oldContainers = await containersLabelled({ 'com.berth.instance-id': oldInstance });
    expect(oldContainers).toHaveLength(2);

    // The host's agent dies without a word, and its state directory is lost.
    await new Promise<void>((resolve) => {
      child?.once('exit', () => resolve());
      child?.kill('SIGKILL');
    });
    rmSync(stateDir, { recursive: true, force: true });
    mkdirSync(stateDir);
    agent = await startAgent({
      endpoint: berth.endpoint,
      cluster: CLUSTER,
      registrationToken: await berth.registrationToken(CLUSTER),
      stateDir,
      imds: false,
      logger: quiet,
      foreignContainerCheckSeconds: 1,
    });
    const newInstance = agent.instanceId;
    expect(newInstance).not.toBe(oldInstance);

    await waitFor(
      async () =>
        (await containersLabelled({ 'com.berth.instance-id': oldInstance }, true)).length === 0 ? true : undefined,
      { timeoutMs: 60_000, intervalMs: 250, what: 'the old instance’s containers to be removed' },
    );
    const tasks = await waitFor(
      async () => {
        const running = await runningTasks();
        return running.length === 2 && running.every((t) => t.containerInstanceArn?.endsWith(newInstance))
          ? running
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the service’s 2 tasks RUNNING on the new instance' },
    );
    const running = await containersLabelled({ 'com.berth.cluster': CLUSTER });
    expect(running).toHaveLength(2);
    expect(
      await containersLabelled({ 'com.berth.cluster': CLUSTER, 'com.berth.instance-id': newInstance }),
    ).toHaveLength(2);
    expect(tasks).toHaveLength(2);
  });
});
