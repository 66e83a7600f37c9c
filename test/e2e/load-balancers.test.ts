import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBalancedFleet, type BalancedFleet } from '../support/balanced-fleet.ts';
import { theTaskScaledIn } from '../support/scale-in.ts';
import { serviceEventMatching } from '../support/service-events.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'traffic';
const DELAY_SECONDS = 3;

/**
 * A service's tasks in ELBv2 target groups (moto server), through dev mode
 * with hollow agents: registered once RUNNING, deregistered and drained for
 * the target group's delay before their agent is told to stop them.
 */
describe('service load balancers (ELBv2)', () => {
  let lb: BalancedFleet;
  let berth: BalancedFleet['berth'];
  let elb: BalancedFleet['elb'];
  let group: string;

  beforeAll(async () => {
    lb = await startBalancedFleet({
      cluster: CLUSTER,
      groupName: 'berth-web',
      delaySeconds: DELAY_SECONDS,
      ec2Prefix: 'i-0b3a7c0000000000',
    });
    ({ berth, elb, group } = lb);
  });
  afterAll(async () => {
    await lb?.stop();
  });

  const tasksOf = (desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING') => lb.tasksOf('web', desiredStatus);
  const targetOf = (task: Task) => lb.targetOf(task);

  it('registers each RUNNING task in the target group with its host port', async () => {
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        // moto keys a group's targets by instance id alone: one task per instance keeps them apart.
        placementConstraints: [{ type: 'distinctInstance' }],
        loadBalancers: [{ targetGroupArn: group, containerName: 'web', containerPort: 80 }],
      }),
    );
    const running = await waitFor(
      async () => {
        const tasks = await tasksOf();
        return tasks.length === 2 && tasks.every((t) => t.lastStatus === 'RUNNING') ? tasks : undefined;
      },
      { what: 'two RUNNING tasks', timeoutMs: 30_000 },
    );
    const expected = running.map(targetOf).sort();
    await waitFor(async () => ((await elb.targets(group)).join() === expected.join() ? true : undefined), {
      what: `targets ${expected.join(', ')}`,
      timeoutMs: 30_000,
    });
  });

  it('deregisters a task on scale-in and stops it only after the deregistration delay', async () => {
    const before = await tasksOf();
    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', desiredCount: 1 }));
    const leaving = await theTaskScaledIn(before, tasksOf);
    const target = targetOf(before.find((t) => t.taskArn === leaving.taskArn)!);
    const draining = await waitFor(
      async () => {
        const [task] = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [leaving.taskArn!] })))
          .tasks!;
        const gone = !(await elb.targets(group)).includes(target);
        // Deregistered first, then marked: wait for both.
        return gone && task && task.lastStatus !== 'RUNNING' ? task : undefined;
      },
      { what: `target ${target} deregistered`, timeoutMs: 30_000 },
    );
    // Deregistered, and not yet stopped: the agent is still running it while it drains.
    expect(['DEACTIVATING', 'STOPPING', 'STOPPED']).toContain(draining.lastStatus);
    const stopped = await waitFor(
      async () => {
        const [task] = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [leaving.taskArn!] })))
          .tasks!;
        return task?.lastStatus === 'STOPPED' ? task : undefined;
      },
      { what: 'the drained task stopped', timeoutMs: 30_000 },
    );
    // The agent stopped it no sooner than the delay after the stop was asked for.
    const drainedMs = stopped.executionStoppedAt!.getTime() - stopped.stoppingAt!.getTime();
    expect(drainedMs).toBeGreaterThanOrEqual(DELAY_SECONDS * 1000);
    const remaining = (await tasksOf()).map(targetOf);
    expect(await elb.targets(group)).toEqual(remaining);
  });

  it('names a target group that does not exist in a service event and starts no task for it', async () => {
    const missing = group.replace('berth-web', 'berth-none');
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'lost',
        taskDefinition: 'web',
        desiredCount: 1,
        loadBalancers: [{ targetGroupArn: missing, containerName: 'web', containerPort: 80 }],
      }),
    );
    await serviceEventMatching(
      berth.ecs,
      { cluster: CLUSTER, service: 'lost' },
      `target group ${missing} cannot be used`,
      'is not starting tasks',
    );
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      const listed = await berth.ecs.send(
        new ListTasksCommand({ cluster: CLUSTER, serviceName: 'lost', desiredStatus }),
      );
      expect(listed.taskArns).toEqual([]);
    }
    const [lost] = (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['lost'] })))
      .services!;
    expect(lost?.deployments?.[0]?.rolloutState).toBe('IN_PROGRESS');
  });
});
