import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerInstances } from '#shared/domain/collections.ts';
import { readAll } from '#shared/control/listing.ts';
import { registerInstance, startBerth } from '../support/berth.ts';

/**
 * 20 RunTask calls at once against 2 instances with room for 8 tasks in all:
 * every call sees free capacity in its snapshot, so the scheduler's
 * conditional writes are what must keep the instances from over-commitment.
 */
describe('parallel RunTask never over-commits', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  beforeAll(async () => {
    berth = await startBerth();
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('reserves at most what each instance has', async () => {
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'race' }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'w',
        containerDefinitions: [{ name: 'a', image: 'busybox', memory: 256, cpu: 512 }],
      }),
    );
    const capacity = { cpu: 2048, memory: 1024 };
    await registerInstance(berth, 'race', capacity);
    await registerInstance(berth, 'race', capacity);

    const runs = await Promise.all(
      Array.from({ length: 20 }, () => berth.ecs.send(new RunTaskCommand({ cluster: 'race', taskDefinition: 'w' }))),
    );
    const accepted = runs.flatMap((r) => r.tasks ?? []).map((t) => t.taskArn ?? '');
    const refused = runs.flatMap((r) => r.failures ?? []);
    expect(accepted.length).toBeGreaterThan(0);
    await berth.queue.whenIdle(20_000);

    const { tasks = [] } = accepted.length
      ? await berth.ecs.send(new DescribeTasksCommand({ cluster: 'race', tasks: accepted }))
      : { tasks: [] };
    const placed = tasks.filter((t) => t.lastStatus !== 'STOPPED');
    const stopped = tasks.filter((t) => t.lastStatus === 'STOPPED');
    // Nothing is left waiting: each accepted task was placed or stopped with its reason.
    expect(placed.length + stopped.length).toBe(accepted.length);
    expect(stopped.every((t) => t.stopCode === 'TaskFailedToStart' && /RESOURCE:/.test(t.stoppedReason ?? ''))).toBe(
      true,
    );

    const perInstance = new Map<string, { cpu: number; memory: number }>();
    for (const t of placed) {
      const sum = perInstance.get(t.containerInstanceArn ?? '') ?? { cpu: 0, memory: 0 };
      perInstance.set(t.containerInstanceArn ?? '', {
        cpu: sum.cpu + Number(t.cpu),
        memory: sum.memory + Number(t.memory),
      });
    }
    for (const sum of perInstance.values()) {
      expect(sum.memory).toBeLessThanOrEqual(capacity.memory);
      expect(sum.cpu).toBeLessThanOrEqual(capacity.cpu);
    }
    // The instances' own books agree with the tasks, and are full: 4 + 4 fit.
    const instances = await readAll(berth.ctx.store, containerInstances, 'INSTANCE#race');
    for (const { value } of instances) {
      const reserved = Object.values(value.assignments).reduce((s, a) => s + a.memory, 0);
      expect(reserved).toBeLessThanOrEqual(value.registered.memory);
    }
    expect(placed).toHaveLength(8);
    expect(refused.length + stopped.length).toBeGreaterThan(0);
    const listed = await berth.ecs.send(new ListTasksCommand({ cluster: 'race' }));
    expect(listed.taskArns).toHaveLength(8);
  });
});
