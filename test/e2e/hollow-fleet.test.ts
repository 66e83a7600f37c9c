import {
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerth } from '../support/berth.ts';
import { startHollowFleet, type HollowFleet } from '../support/hollow-fleet.ts';
import { waitFor } from '../support/wait.ts';

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

/**
 * Twenty hollow agents against dev mode: RunTask 50 tasks spread by zone,
 * every one reaches RUNNING through the agent API, zones differ by at most
 * one, and stopped tasks are stopped by their agents.
 */
describe('hollow fleet', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  let fleet: HollowFleet;
  const taskArns: string[] = [];

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'hollow' }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 128, cpu: 32, essential: true }],
      }),
    );
    fleet = await startHollowFleet({
      endpoint: berth.endpoint,
      cluster: 'hollow',
      count: 20,
      registrationToken: await berth.registrationToken('hollow', { uses: 20 }),
      resources: { cpu: 1024, memory: 2048 },
      attributes: (i) => [{ name: 'ecs.availability-zone', value: ZONES[i % ZONES.length] ?? 'zone-a' }],
      pollIntervalMs: 200,
    });
  });
  afterAll(async () => {
    await fleet?.stop();
    await berth?.stop();
  });

  it('registers every agent over the agent API', () => {
    expect(fleet.instances).toHaveLength(20);
    expect(new Set(fleet.instances.map((i) => i.instanceId)).size).toBe(20);
  });

  it('runs 50 tasks, all RUNNING, spread across three zones within one', async () => {
    // Registration may have retried a conflicted token; from here on nothing should fail.
    const errorsBefore = fleet.stats.errors;
    for (let call = 0; call < 5; call++) {
      const run = await berth.ecs.send(
        new RunTaskCommand({
          cluster: 'hollow',
          taskDefinition: 'web',
          count: 10,
          placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
        }),
      );
      expect(run.failures).toEqual([]);
      taskArns.push(...(run.tasks ?? []).map((t) => t.taskArn ?? ''));
    }
    await waitFor(() => (fleet.stats.started >= 50 ? true : undefined), {
      what: '50 tasks RUNNING',
      timeoutMs: 20_000,
    });
    const described = await describeAll();
    expect(described.every((t) => t.lastStatus === 'RUNNING')).toBe(true);
    const zoneOf = new Map(fleet.instances.map((i) => [i.containerInstanceArn, i.attributes[0]?.value]));
    const perZone = ZONES.map((z) => described.filter((t) => zoneOf.get(t.containerInstanceArn ?? '') === z).length);
    expect(perZone.reduce((a, b) => a + b, 0)).toBe(50);
    expect(Math.max(...perZone) - Math.min(...perZone)).toBeLessThanOrEqual(1);
    const running = fleet.instances.reduce((sum, i) => sum + i.running.size, 0);
    expect(running).toBe(50);
    expect(fleet.stats.errors).toBe(errorsBefore);
  });

  it('stops tasks when told', async () => {
    const doomed = taskArns.slice(0, 5);
    for (const task of doomed) await berth.ecs.send(new StopTaskCommand({ cluster: 'hollow', task }));
    await waitFor(() => (fleet.stats.stopped >= 5 ? true : undefined), { what: 'five tasks stopped' });
    const stopped = await waitFor(
      async () => {
        const tasks =
          (await berth.ecs.send(new DescribeTasksCommand({ cluster: 'hollow', tasks: doomed }))).tasks ?? [];
        return tasks.every((t) => t.lastStatus === 'STOPPED') ? tasks : undefined;
      },
      { what: 'stopped tasks described STOPPED' },
    );
    expect(stopped.map((t) => t.stopCode)).toEqual(Array(5).fill('UserInitiated'));
    expect(fleet.instances.reduce((sum, i) => sum + i.running.size, 0)).toBe(45);
  });

  async function describeAll() {
    const tasks = [];
    for (let start = 0; start < taskArns.length; start += 100) {
      const page = await berth.ecs.send(
        new DescribeTasksCommand({ cluster: 'hollow', tasks: taskArns.slice(start, start + 100) }),
      );
      tasks.push(...(page.tasks ?? []));
    }
    return tasks;
  }
});
