import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess } from '../support/agent-process.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { waitFor } from '../support/wait.ts';
import { allTasks, chaosCluster, removeContainers, running, runningContainers, taskId } from './support.ts';

const cluster = chaosCluster('freeze');
const TTL_SECONDS = 10;
const DESIRED = 4;

/**
 * A host that stops answering without dying: its agent is frozen (SIGSTOP)
 * past the lease TTL while its containers run on. The control plane replaces
 * its tasks elsewhere; when the agent resumes it is fenced and stops what was
 * replaced.
 */
describe('a frozen host', () => {
  let berth: TestBerth;
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    berth = await startBerth({ BERTH_HEARTBEAT_TTL_SECONDS: String(TTL_SECONDS) });
    await berth.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    for (let i = 0; i < 2; i++) {
      const agent = new AgentProcess({
        endpoint: berth.endpoint,
        cluster,
        registrationToken: () => berth.registrationToken(cluster),
      });
      agents.push(agent);
      await agent.start();
    }
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'fence',
        containerDefinitions: [{ name: 'app', image, memory: 16, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'fence',
        taskDefinition: 'fence',
        desiredCount: DESIRED,
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      }),
    );
  });
  afterAll(async () => {
    for (const agent of agents) await agent.destroy();
    await berth?.stop();
    await removeContainers(cluster);
  });

  const serviceTasks = () => allTasks(berth.ecs, cluster, 'fence');
  const on = (tasks: Task[], instanceId: string | undefined) =>
    tasks.filter((t) => instanceId !== undefined && t.containerInstanceArn?.endsWith(`/${instanceId}`));

  it('replaces its tasks, fences it when it resumes, and never reports two copies RUNNING', async () => {
    const [survivor, victim] = agents as [AgentProcess, AgentProcess];
    const start = await waitFor(
      async () => {
        const tasks = running(await serviceTasks());
        return tasks.length === DESIRED ? tasks : undefined;
      },
      { timeoutMs: 60_000, what: `${DESIRED} RUNNING` },
    );
    const lost = on(start, victim.instanceId).map((t) => t.taskArn ?? '');
    expect(lost.length).toBeGreaterThan(0);

    // What the API says all along: never more RUNNING than desired, and a lost task never RUNNING again.
    let most = 0;
    const revived = new Set<string>();
    let sampling = true;
    const stoppedSeen = new Set<string>();
    const sampler = (async () => {
      while (sampling) {
        const tasks = (await serviceTasks().catch(() => undefined)) ?? [];
        most = Math.max(most, running(tasks).length);
        for (const t of tasks) {
          const arn = t.taskArn ?? '';
          if (t.lastStatus === 'STOPPED') stoppedSeen.add(arn);
          else if (t.lastStatus === 'RUNNING' && stoppedSeen.has(arn)) revived.add(arn);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    victim.freeze();
    const replaced = await waitFor(
      async () => {
        const now = running(await serviceTasks());
        return now.length === DESIRED && on(now, victim.instanceId).length === 0 ? now : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'replacements RUNNING on the survivor' },
    );
    expect(on(replaced, survivor.instanceId)).toHaveLength(DESIRED);
    // The frozen host's containers still run: this is the window the fence closes.
    const frozenContainers = await runningContainers({ 'com.berth.instance-id': victim.instanceId ?? '' });
    expect([...frozenContainers.values()].sort()).toEqual(lost.map(taskId).sort());

    victim.resume();
    await waitFor(
      async () =>
        (await runningContainers({ 'com.berth.instance-id': victim.instanceId ?? '' })).size === 0 ? true : undefined,
      { timeoutMs: 60_000, what: 'the fenced agent to stop the replaced containers' },
    );
    const final = running(await serviceTasks());
    expect(final).toHaveLength(DESIRED);
    const containers = await runningContainers({ 'com.berth.cluster': cluster });
    expect([...containers.values()].sort()).toEqual(final.map((t) => taskId(t.taskArn)).sort());

    sampling = false;
    await sampler;
    expect(most).toBeLessThanOrEqual(DESIRED);
    expect([...revived]).toEqual([]);
    for (const arn of lost) expect(stoppedSeen.has(arn)).toBe(true);
  });
});
