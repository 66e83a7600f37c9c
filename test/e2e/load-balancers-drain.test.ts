import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBalancedFleet, type BalancedFleet } from '../support/balanced-fleet.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'drain';
const DELAY_SECONDS = 3;

/**
 * Draining a service's tasks from their ELBv2 target group (moto server)
 * when the service stops them for a reason other than scale-in: a StopTask,
 * and a deployment replacing them. Hollow agents, through dev mode.
 */
describe('service load balancers: draining on StopTask and on deployment', () => {
  let lb: BalancedFleet;
  let berth: BalancedFleet['berth'];
  let elb: BalancedFleet['elb'];
  let group: string;

  beforeAll(async () => {
    lb = await startBalancedFleet({
      cluster: CLUSTER,
      groupName: 'berth-drain',
      delaySeconds: DELAY_SECONDS,
      ec2Prefix: 'i-0d4a1e0000000000',
    });
    ({ berth, elb, group } = lb);
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        // moto keys a group's targets by instance id alone: one task per instance keeps them apart.
        placementConstraints: [{ type: 'distinctInstance' }],
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 150 },
        loadBalancers: [{ targetGroupArn: group, containerName: 'web', containerPort: 80 }],
      }),
    );
    await registered(await runningTasks(2));
  });
  afterAll(async () => {
    await lb?.stop();
  });

  const tasksOf = (desiredStatus: 'RUNNING' | 'STOPPED') => lb.tasksOf('web', desiredStatus);
  const targetOf = (task: Task) => lb.targetOf(task);

  async function describeTask(arn: string): Promise<Task | undefined> {
    return (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks?.[0];
  }

  function runningTasks(count: number, except: readonly string[] = []): Promise<Task[]> {
    return waitFor(
      async () => {
        const tasks = (await tasksOf('RUNNING')).filter((t) => !except.includes(t.taskArn!));
        return tasks.length === count && tasks.every((t) => t.lastStatus === 'RUNNING') ? tasks : undefined;
      },
      { what: `${count} RUNNING tasks`, timeoutMs: 30_000 },
    );
  }

  function registered(tasks: readonly Task[]): Promise<true> {
    const expected = tasks.map(targetOf).sort();
    return waitFor(async () => ((await elb.targets(group)).join() === expected.join() ? true : undefined), {
      what: `targets ${expected.join(', ')}`,
      timeoutMs: 30_000,
    });
  }

  /** The task stopped, no sooner than the group's delay after its stop was asked for. */
  async function stoppedAfterDrain(arn: string): Promise<void> {
    const stopped = await waitFor(
      async () => ((await describeTask(arn))?.lastStatus === 'STOPPED' ? true : undefined),
      {
        what: `task ${arn} STOPPED`,
        timeoutMs: 30_000,
      },
    ).then(() => describeTask(arn));
    const drainedMs = stopped!.executionStoppedAt!.getTime() - stopped!.stoppingAt!.getTime();
    expect(drainedMs).toBeGreaterThanOrEqual(DELAY_SECONDS * 1000);
  }

  it('deregisters a service task on StopTask and stops it only after the deregistration delay', async () => {
    const before = await runningTasks(2);
    const victim = before[0]!;
    const target = targetOf(victim);
    await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: victim.taskArn!, reason: 'by hand' }));
    const draining = await waitFor(
      async () => {
        const task = await describeTask(victim.taskArn!);
        const gone = !(await elb.targets(group)).includes(target);
        return gone && task && task.lastStatus !== 'RUNNING' ? task : undefined;
      },
      { what: `target ${target} deregistered`, timeoutMs: 30_000 },
    );
    expect(['DEACTIVATING', 'STOPPING', 'STOPPED']).toContain(draining.lastStatus);
    await stoppedAfterDrain(victim.taskArn!);
    // The service replaces the stopped task, and the replacement is registered.
    await registered(await runningTasks(2, [victim.taskArn!]));
  });

  it('drains each task a deployment replaces, and completes once the new tasks are healthy targets', async () => {
    const old = await runningTasks(2);
    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', forceNewDeployment: true }));
    const completed = await waitFor(
      async () => {
        const [service] = (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] })))
          .services!;
        const primary = service?.deployments?.find((d) => d.status === 'PRIMARY');
        return service?.deployments?.length === 1 && primary?.rolloutState === 'COMPLETED' ? primary : undefined;
      },
      { what: 'the deployment COMPLETED', timeoutMs: 60_000 },
    );
    expect(completed.runningCount).toBe(2);
    for (const task of old) await stoppedAfterDrain(task.taskArn!);
    const fresh = await runningTasks(2);
    expect(fresh.every((t) => !old.some((o) => o.taskArn === t.taskArn))).toBe(true);
    await registered(fresh);
  });
});
