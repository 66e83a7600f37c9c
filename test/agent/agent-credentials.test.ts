import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type AgentHandle } from '#agent/index.ts';
import { IMDS_RULE_COMMENT } from '#agent/host/imds-block.ts';
import { parse } from '#agent/check/check.ts';
import { identity } from '#agent/state/state-dir.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import { readAuditResponse } from '#shared/security/admin-api.ts';
import { agentCredential, containersLabelled, removeClusterContainers, startTestAgent } from '../support/agents.ts';
import { agentPost } from '../support/agent-request.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'agent-credentials';
const HOUR = 3600_000;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * A real agent against dev mode with credentials on: it registers with a
 * registration token, keeps the instance credential to itself, runs tasks
 * with it, re-attaches on it after a restart, exchanges it when it ages,
 * and keeps tasks away from its state directory and the metadata service.
 */
describe('an agent with credentials', { timeout: 120_000 }, () => {
  let berth: TestBerth;
  let image: string;
  let agent: Awaited<ReturnType<typeof startTestAgent>>;
  const others: AgentHandle[] = [];

  beforeAll(async () => {
    image = await ensureBusyboxImage();
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    // A state directory the agent creates itself, so its mode is the agent's doing.
    agent = await startTestAgent(berth, CLUSTER, {
      stateDir: join(mkdtempSync(join(tmpdir(), 'berth-creds-')), 'state'),
    });
  });
  afterAll(async () => {
    await agent?.stop();
    for (const other of others) await other.stop();
    await berth?.stop();
    await removeClusterContainers(CLUSTER);
  });

  const describeTask = async (arn: string): Promise<Task | undefined> =>
    (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks?.[0];
  const until = (arn: string, ok: (t: Task) => boolean, what: string) =>
    waitFor(
      async () => {
        const task = await describeTask(arn);
        return task && ok(task) ? task : undefined;
      },
      { timeoutMs: 60_000, what },
    );

  it('keeps the instance credential in its state directory, for root alone', () => {
    expect(statSync(agent.stateDir).mode & 0o777).toBe(0o700);
    const file = join(agent.stateDir, 'identity.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = parse(identity, JSON.parse(readFileSync(file, 'utf8')));
    expect(saved).toMatchObject({
      cluster: CLUSTER,
      instanceId: agent.instanceId,
      credential: { token: expect.stringMatching(/^bic1\./) },
    });
  });

  it('runs a task end to end on that credential', async () => {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'creds-sleep',
        containerDefinitions: [{ name: 'app', image, memory: 32, command: ['sleep', '300'], stopTimeout: 1 }],
      }),
    );
    const arn =
      (await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'creds-sleep' }))).tasks?.[0]
        ?.taskArn ?? '';
    await until(arn, (t) => t.lastStatus === 'RUNNING', 'the task RUNNING');
    const taskId = arn.split('/').pop() ?? '';
    expect(await containersLabelled({ 'com.berth.task-id': taskId })).toHaveLength(1);
    await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn }));
    await until(arn, (t) => t.lastStatus === 'STOPPED', 'the task STOPPED');
    await waitFor(
      async () => ((await containersLabelled({ 'com.berth.task-id': taskId })).length === 0 ? true : undefined),
      {
        timeoutMs: 60_000,
        what: 'the agent to stop the container',
      },
    );
  });

  it.runIf(process.getuid?.() === 0)('has blocked task containers from the instance metadata service', async () => {
    const { stdout } = await run('iptables', ['-w', '5', '-t', 'filter', '-S', 'DOCKER-USER']);
    expect(stdout).toContain(`-d 169.254.169.254/32 -m comment --comment "${IMDS_RULE_COMMENT}" -j DROP`);
  });

  it('refuses a task that mounts its state directory, even where the cluster allows the host path', async () => {
    // The cluster lets tasks bind anything under the directory that holds the agent's state.
    const allowed = dirname(agent.stateDir);
    const policy = await berth.fetch(`${berth.endpoint}/admin/v1/clusters/${CLUSTER}/policy`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ allowedHostPaths: [allowed] }),
    });
    expect(policy.status).toBe(200);
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'creds-thief',
        volumes: [{ name: 'agent-state', host: { sourcePath: agent.stateDir } }],
        containerDefinitions: [
          {
            name: 'app',
            image,
            memory: 32,
            command: ['cat', '/stolen/identity.json'],
            mountPoints: [{ sourceVolume: 'agent-state', containerPath: '/stolen' }],
          },
        ],
      }),
    );
    const arn =
      (await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'creds-thief' }))).tasks?.[0]
        ?.taskArn ?? '';
    const stopped = await until(arn, (t) => t.lastStatus === 'STOPPED', 'the task refused');
    expect(stopped.stopCode).toBe('TaskFailedToStart');
    expect(stopped.containers?.[0]?.reason).toMatch(/state directory/);
    expect(await containersLabelled({ 'com.berth.task-id': arn.split('/').pop() ?? '' }, true)).toEqual([]);
  });

  it('re-attaches after a restart on its credential alone, and is handed a new one', async () => {
    const before = agentCredential(agent.stateDir);
    await agent.stop();
    const restarted = await startAgent({
      endpoint: berth.endpoint,
      cluster: CLUSTER,
      stateDir: agent.stateDir,
      imds: false,
      logger: quiet,
    });
    others.push(restarted);
    expect(restarted.instanceId).toBe(agent.instanceId);
    expect(agentCredential(agent.stateDir)).not.toBe(before);
  });

  it('will not start on a registration token that was spent', async () => {
    const token = await berth.registrationToken(CLUSTER);
    others.push(
      await startAgent({
        endpoint: berth.endpoint,
        cluster: CLUSTER,
        registrationToken: token,
        imds: false,
        logger: quiet,
      }),
    );
    await expect(
      startAgent({ endpoint: berth.endpoint, cluster: CLUSTER, registrationToken: token, imds: false, logger: quiet }),
    ).rejects.toThrow(/refused this agent's credentials.*InvalidRegistrationToken/);
  });

  it('exchanges its credential once less than a third of its lifetime is left', async () => {
    // The agent's own clock decides when to exchange; the control plane's stays real.
    const clock = new ManualClock(Date.now());
    const stateDir = mkdtempSync(join(tmpdir(), 'berth-creds-rotate-'));
    const rotating = await startAgent({
      endpoint: berth.endpoint,
      cluster: CLUSTER,
      registrationToken: await berth.registrationToken(CLUSTER),
      stateDir,
      imds: false,
      logger: quiet,
      clock,
    });
    others.push(rotating);
    const first = agentCredential(stateDir);
    // Past two thirds of the lifetime, with room for the moments between this clock's start and the issue.
    clock.advance(9 * HOUR);
    rotating.pollNow();
    const second = await waitFor(() => (agentCredential(stateDir) !== first ? agentCredential(stateDir) : undefined), {
      what: 'the exchanged credential on disk',
    });
    clock.advance(-9 * HOUR);

    const poll = (bearer: string) =>
      agentPost(berth.endpoint, { cluster: CLUSTER, instanceId: rotating.instanceId, call: 'poll' }, bearer, {
        epoch: 1,
      });
    expect((await poll(second)).status).toBe(200);
    // The replaced credential is in its five-minute grace period.
    expect((await poll(first)).status).toBe(200);
    const audit = readAuditResponse.parse(
      await (await berth.fetch(`${berth.endpoint}/admin/v1/audit?limit=1000`)).json(),
    );
    expect(audit.records).toContainEqual(
      expect.objectContaining({
        action: 'berth:RotateAgentCredential',
        outcome: 'succeeded',
        resources: [rotating.containerInstanceArn],
      }),
    );
  });
});
