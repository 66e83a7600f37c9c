import {
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  DescribeTaskSetsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
  type TaskSet,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { containersLabelled } from '../support/agents.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'tasksets-e2e';

/**
 * The EXTERNAL deployment controller: the user's own tooling runs blue/green
 * with task sets, through the unmodified ECS SDK, on real containers.
 */
describe('task sets (EXTERNAL deployment controller)', { timeout: 180_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;
  let rev1 = '';
  let rev2 = '';

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    berth = cluster.berth;
    const register = async (marker: string) =>
      (
        await berth.ecs.send(
          new RegisterTaskDefinitionCommand({
            family: 'bg',
            containerDefinitions: [
              {
                name: 'app',
                image: cluster.image,
                memory: 32,
                cpu: 32,
                command: ['sh', '-c', `echo ${marker}; exec sleep 3600`],
                stopTimeout: 1,
              },
            ],
          }),
        )
      ).taskDefinition?.taskDefinitionArn ?? '';
    rev1 = await register('blue');
    rev2 = await register('green');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function createExternal(name: string, desiredCount: number) {
    const out = await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: name,
        desiredCount,
        deploymentController: { type: 'EXTERNAL' },
      }),
    );
    return out.service;
  }

  async function createTaskSet(service: string, taskDefinition: string, percent: number): Promise<TaskSet> {
    const out = await berth.ecs.send(
      new CreateTaskSetCommand({
        cluster: CLUSTER,
        service,
        taskDefinition,
        scale: { unit: 'PERCENT', value: percent },
      }),
    );
    return out.taskSet as TaskSet;
  }

  async function runningTasks(name: string) {
    const arns = (await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: name }))).taskArns ?? [];
    if (arns.length === 0) return [];
    const tasks = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ?? [];
    return tasks.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
  }

  async function taskSet(name: string, id: string | undefined): Promise<TaskSet | undefined> {
    const out = await berth.ecs.send(
      new DescribeTaskSetsCommand({ cluster: CLUSTER, service: name, taskSets: [id ?? ''] }),
    );
    return out.taskSets?.[0];
  }

  const sameCounts = (a: Record<string, number>, b: Record<string, number>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

  /** Waits until the service runs exactly `count` tasks per task definition and every task set is steady. */
  async function settle(name: string, want: Record<string, number>) {
    return waitFor(
      async () => {
        const tasks = await runningTasks(name);
        const byDefinition: Record<string, number> = {};
        for (const t of tasks)
          byDefinition[t.taskDefinitionArn ?? ''] = (byDefinition[t.taskDefinitionArn ?? ''] ?? 0) + 1;
        const sets = (await berth.ecs.send(new DescribeTaskSetsCommand({ cluster: CLUSTER, service: name }))).taskSets;
        const steady = (sets ?? []).every((s) => s.stabilityStatus === 'STEADY_STATE');
        return steady && sameCounts(byDefinition, want) ? tasks : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: `service ${name} to run ${JSON.stringify(want)}` },
    );
  }

  it('runs blue/green by hand: two task sets side by side, a primary switch, then the old set scaled to 0 and deleted', async () => {
    const service = await createExternal('bg', 2);
    expect(service?.deploymentController).toEqual({ type: 'EXTERNAL' });
    expect(service?.taskDefinition).toBeUndefined();
    expect(service?.deployments).toEqual([]);

    const a = (
      await berth.ecs.send(
        new CreateTaskSetCommand({
          cluster: CLUSTER,
          service: 'bg',
          taskDefinition: rev1,
          externalId: 'blue',
          scale: { unit: 'PERCENT', value: 100 },
          tags: [{ key: 'colour', value: 'blue' }],
        }),
      )
    ).taskSet as TaskSet;
    expect(a.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(a.taskSetArn).toBe(`${service?.serviceArn?.replace(':service/', ':task-set/')}/${a.id}`);
    expect(a).toMatchObject({ status: 'ACTIVE', externalId: 'blue', computedDesiredCount: 2, taskDefinition: rev1 });
    expect(a.scale).toEqual({ unit: 'PERCENT', value: 100 });
    await berth.ecs.send(
      new UpdateServicePrimaryTaskSetCommand({ cluster: CLUSTER, service: 'bg', primaryTaskSet: a.id ?? '' }),
    );
    const blue = await settle('bg', { [rev1]: 2 });
    expect(blue.every((t) => t.startedBy === a.id)).toBe(true);

    const b = await createTaskSet('bg', rev2, 100);
    await settle('bg', { [rev1]: 2, [rev2]: 2 });
    const described = (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['bg'] })))
      .services?.[0];
    expect(described?.runningCount).toBe(4);
    expect(described?.taskSets?.map((t) => [t.id, t.status])).toEqual([
      [a.id, 'PRIMARY'],
      [b.id, 'ACTIVE'],
    ]);

    const primary = await berth.ecs.send(
      new UpdateServicePrimaryTaskSetCommand({ cluster: CLUSTER, service: 'bg', primaryTaskSet: b.taskSetArn ?? '' }),
    );
    expect(primary.taskSet?.status).toBe('PRIMARY');
    expect((await taskSet('bg', a.id))?.status).toBe('ACTIVE');
    const afterSwitch = (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['bg'] })))
      .services?.[0];
    expect(afterSwitch?.taskDefinition).toBe(rev2);

    const scaled = await berth.ecs.send(
      new UpdateTaskSetCommand({
        cluster: CLUSTER,
        service: 'bg',
        taskSet: a.id ?? '',
        scale: { unit: 'PERCENT', value: 0 },
      }),
    );
    expect(scaled.taskSet?.computedDesiredCount).toBe(0);
    await settle('bg', { [rev2]: 2 });

    const deleted = await berth.ecs.send(
      new DeleteTaskSetCommand({ cluster: CLUSTER, service: 'bg', taskSet: a.id ?? '' }),
    );
    expect(deleted.taskSet?.status).toBe('DRAINING');
    await waitFor(async () => ((await taskSet('bg', a.id)) === undefined ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the deleted task set to go',
    });
    const green = await settle('bg', { [rev2]: 2 });
    expect(green.every((t) => t.startedBy === b.id)).toBe(true);
    // The blue containers are really gone from the engine, not only marked stopped.
    const containers = await waitFor(
      async () => {
        const ids = await containersLabelled({ 'com.berth.cluster': CLUSTER });
        return ids.length === 2 ? ids : undefined;
      },
      { timeoutMs: 30_000, what: 'two running containers' },
    );
    expect(containers).toHaveLength(2);
  });

  it('scales desiredCount onto the task sets: ceil(desiredCount x scale)', async () => {
    await createExternal('scaled', 3);
    const set = await createTaskSet('scaled', rev1, 50);
    expect(set.computedDesiredCount).toBe(2);
    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'scaled', desiredCount: 1 }));
    await settle('scaled', { [rev1]: 1 });
    expect((await taskSet('scaled', set.id))?.computedDesiredCount).toBe(1);
    const tagged = await berth.ecs.send(
      new DescribeTaskSetsCommand({
        cluster: CLUSTER,
        service: 'scaled',
        taskSets: [set.id ?? '', 'ecs-svc/0'],
        include: ['TAGS'],
      }),
    );
    expect(tagged.taskSets?.[0]?.tags).toEqual([]);
    expect(tagged.failures).toEqual([{ arn: 'ecs-svc/0', reason: 'MISSING' }]);
    await berth.ecs.send(
      new DeleteTaskSetCommand({ cluster: CLUSTER, service: 'scaled', taskSet: set.id ?? '', force: true }),
    );
    await settle('scaled', {});
  });
});
