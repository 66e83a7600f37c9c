import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerInstances } from '#shared/domain/collections.ts';
import { agentPost } from '../support/agent-request.ts';
import type { TestBerth } from '../support/berth.ts';
import { agentCredential, containersLabelled, startTestAgent } from '../support/agents.ts';
import { startContainerCluster, type ContainerCluster, type TestAgent } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'host-failure';

/**
 * A host dies (its agent and its containers): its tasks are declared lost
 * after the lease TTL and replaced on the other instance. When the agent
 * comes back it is fenced, learns its tasks were replaced, and the service
 * converges on its desired count without duplicates.
 */
describe('host failure', { timeout: 150_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;
  let survivor: TestAgent;
  let victim: TestAgent;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 2);
    berth = cluster.berth;
    [survivor, victim] = cluster.agents as [TestAgent, TestAgent];
    const image = cluster.image;
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'hf',
        containerDefinitions: [{ name: 'app', image, memory: 32, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'hf',
        taskDefinition: 'hf',
        desiredCount: 4,
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      }),
    );
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function liveTasks(): Promise<Task[]> {
    const listed = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'hf' }));
    if (!listed.taskArns?.length) return [];
    const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }));
    return (described.tasks ?? []).filter((t) => t.lastStatus === 'RUNNING');
  }

  it('replaces the dead host’s tasks within the TTL plus a reconcile interval', async () => {
    await waitFor(async () => ((await liveTasks()).length === 4 ? true : undefined), {
      timeoutMs: 60_000,
      what: '4 RUNNING',
    });
    const onVictim = (await liveTasks()).filter((t) => t.containerInstanceArn?.endsWith(victim.instanceId));
    expect(onVictim.length).toBeGreaterThan(0);

    // The host dies: its agent stops without a word and its containers are killed.
    await victim.stop();
    const died = Date.now();
    const containers = await containersLabelled({ 'com.berth.instance-id': victim.instanceId });
    if (containers.length > 0) await run('docker', ['kill', ...containers]);

    await waitFor(
      async () => {
        const tasks = await liveTasks();
        const all = tasks.length === 4 && tasks.every((t) => t.containerInstanceArn?.endsWith(survivor.instanceId));
        return all ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'replacements RUNNING on the survivor' },
    );
    const seconds = (Date.now() - died) / 1000;
    console.log(`host failure: replacements RUNNING ${seconds.toFixed(1)} s after the host died (TTL 30 s, sweep 5 s)`);
    expect(seconds).toBeGreaterThan(0);

    const lost = await berth.ecs.send(
      new DescribeTasksCommand({ cluster: CLUSTER, tasks: onVictim.map((t) => t.taskArn ?? '') }),
    );
    for (const task of lost.tasks ?? []) {
      expect(task.lastStatus).toBe('STOPPED');
      expect(task.stoppedReason).toMatch(/Task lost: container instance .* sent no heartbeat/);
    }
  });

  it('fences the returning agent and converges without duplicates', async () => {
    const item = await berth.ctx.store.get(containerInstances, containerInstances.key(CLUSTER, victim.instanceId));
    expect(item?.value.agentConnected).toBe(false);
    const staleEpoch = (item?.value.epoch ?? 1) - 1;

    // A write from the stale agent, with the epoch it held before it was declared dead, is refused.
    const staleReport = await agentPost(
      berth.endpoint,
      { cluster: CLUSTER, instanceId: victim.instanceId, call: 'poll' },
      agentCredential(victim.stateDir),
      { epoch: staleEpoch },
    );
    expect(staleReport.status).toBe(409);
    expect(await staleReport.json()).toMatchObject({ code: 'InstanceFenced' });

    const returned = await startTestAgent(berth, CLUSTER, { stateDir: victim.stateDir });
    try {
      expect(returned.instanceId).toBe(victim.instanceId);
      await waitFor(
        async () => {
          const instance = await berth.ctx.store.get(
            containerInstances,
            containerInstances.key(CLUSTER, victim.instanceId),
          );
          return instance?.value.agentConnected && Object.keys(instance.value.assignments).length === 0
            ? true
            : undefined;
        },
        { timeoutMs: 30_000, what: 'the returning agent to drop its replaced tasks' },
      );
      const tasks = await liveTasks();
      expect(tasks).toHaveLength(4);
      // No permanent duplicates: containers on their way out (a stop takes
      // up to the stop timeout) may linger briefly, then exactly the
      // service's four run, all of them tasks the control plane knows.
      const running = await waitFor(
        async () => {
          const ids = await containersLabelled({ 'com.berth.cluster': CLUSTER });
          return ids.length === 4 ? ids : undefined;
        },
        { timeoutMs: 20_000, what: 'exactly four running containers' },
      );
      const { stdout } = await run('docker', [
        'inspect',
        '--format',
        '{{index .Config.Labels "com.berth.task-id"}}',
        ...running,
      ]);
      const known = new Set(tasks.map((t) => t.taskArn?.split('/').pop()));
      expect(
        stdout
          .trim()
          .split('\n')
          .every((id) => known.has(id)),
      ).toBe(true);
    } finally {
      await returned.stop();
    }
  });
});
