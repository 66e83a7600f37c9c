import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containersLabelled, removeClusterContainers, startTestAgent } from '../support/agents.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { requestRegistrationToken } from '../support/registration-token.ts';
import {
  devMainReady,
  exitWithin,
  killDevMain,
  startDevMain,
  type DevMainProcess,
} from '../support/dev-main-process.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Ctrl-C on dev mode (SIGINT to tsx, which relays it as a terminal does):
 * the process is gone within a few seconds whatever is connected, and
 * leaves the state docs/dev-mode.md promises.
 */
const EXIT_BOUND_MS = 20_000;

describe('dev mode on Ctrl-C', () => {
  const running: DevMainProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const run of running.splice(0)) await killDevMain(run);
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const ecsOf = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string } | undefined) =>
    new ECSClient({ endpoint, region: 'us-east-1', maxAttempts: 1, ...(credentials && { credentials }) });

  it('in memory, stops and removes the containers its agent started, and exits promptly', async () => {
    const image = await ensureBusyboxImage();
    const cluster = `shutdown-mem-${Date.now()}`;
    cleanups.push(() => removeClusterContainers(cluster));
    const run = startDevMain(['--port', '0', '--cluster', cluster]);
    running.push(run);
    const { endpoint, credentials } = await devMainReady(run);
    const ecs = ecsOf(endpoint, credentials);
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'sleeper',
        // sleep as PID 1 ignores SIGTERM: only a kill ends it.
        containerDefinitions: [{ name: 'main', image, memory: 32, command: ['sleep', '300'] }],
      }),
    );
    await ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'sleeper', count: 2 }));
    await waitFor(
      async () => ((await containersLabelled({ 'com.berth.cluster': cluster })).length === 2 ? true : undefined),
      {
        timeoutMs: 60_000,
        what: 'two running task containers',
      },
    );

    run.child.kill('SIGINT');
    const exit = await exitWithin(run, EXIT_BOUND_MS);
    expect(exit, `still running ${EXIT_BOUND_MS} ms after SIGINT; stderr: ${run.stderr}`).toBe(0);
    // Nothing of the in-memory cluster is left on the engine, not even stopped containers.
    expect(await containersLabelled({ 'com.berth.cluster': cluster }, true)).toEqual([]);
  });

  it('with --data-dir, leaves its tasks running and the next start adopts them', async () => {
    const image = await ensureBusyboxImage();
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-shutdown-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const cluster = `shutdown-keep-${Date.now()}`;
    cleanups.push(() => removeClusterContainers(cluster));
    const run = startDevMain(['--port', '0', '--cluster', cluster, '--data-dir', dataDir]);
    running.push(run);
    const { endpoint, credentials } = await devMainReady(run);
    const ecs = ecsOf(endpoint, credentials);
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'keeper',
        containerDefinitions: [{ name: 'main', image, memory: 32, command: ['sleep', '300'] }],
      }),
    );
    const taskArn =
      (await ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'keeper' }))).tasks?.[0]?.taskArn ?? '';
    const [container] = await waitFor(
      async () => {
        const ids = await containersLabelled({ 'com.berth.cluster': cluster });
        return ids.length === 1 ? ids : undefined;
      },
      { timeoutMs: 60_000, what: 'the task container running' },
    );

    run.child.kill('SIGINT');
    expect(await exitWithin(run, EXIT_BOUND_MS), `stderr: ${run.stderr}`).toBe(0);
    expect(await containersLabelled({ 'com.berth.cluster': cluster })).toEqual([container]);

    // The keys are in the data directory: the first run's key signs for the second.
    const again = startDevMain(['--port', '0', '--cluster', cluster, '--data-dir', dataDir]);
    running.push(again);
    const second = ecsOf((await devMainReady(again)).endpoint, credentials);
    const task = await waitFor(
      async () => {
        const described = (await second.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks?.[0];
        return described?.lastStatus === 'RUNNING' ? described : undefined;
      },
      { timeoutMs: 30_000, what: 'the task RUNNING after the restart' },
    );
    expect(task.desiredStatus).toBe('RUNNING');
    expect(await containersLabelled({ 'com.berth.cluster': cluster })).toEqual([container]);
  });

  it('with --data-dir and a separate agent holding a poll, exits promptly and releases the directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-shutdown-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const cluster = `shutdown-disk-${Date.now()}`;
    cleanups.push(() => removeClusterContainers(cluster));
    const run = startDevMain(['--port', '0', '--no-agent', '--data-dir', dataDir]);
    running.push(run);
    const { endpoint, credentials } = await devMainReady(run);
    if (!credentials) throw new Error('a new data directory prints its administrator key');
    const ecs = ecsOf(endpoint, credentials);
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const token = await requestRegistrationToken(endpoint, credentials, cluster);
    const agent = await startTestAgent({ endpoint, registrationToken: async () => token }, cluster);
    cleanups.push(async () => {
      await agent.stop();
      rmSync(agent.stateDir, { recursive: true, force: true });
    });
    await waitFor(
      async () =>
        (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns?.length === 1
          ? true
          : undefined,
      { timeoutMs: 30_000, what: 'the agent registered' },
    );
    // The agent's polls are held by the control plane while nothing changes.
    agent.pollNow();

    run.child.kill('SIGINT');
    const exit = await exitWithin(run, EXIT_BOUND_MS);
    expect(exit, `still running ${EXIT_BOUND_MS} ms after SIGINT; stderr: ${run.stderr}`).toBe(0);

    // The lock on the data directory went with it: a second start on it succeeds.
    const again = startDevMain(['--port', '0', '--no-agent', '--data-dir', dataDir]);
    running.push(again);
    const second = await devMainReady(again);
    expect(second.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(again.stdout).toContain('Access keys exist in the data directory already');
  });
});
