import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StartTaskCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { registerInstance } from '../support/berth.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'start-e2e';

/** StartTask on real agents: the task runs where it was told to, or the instance says why not. */
describe('StartTask on named container instances', { timeout: 150_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;
  let instanceArns: string[];

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 2);
    berth = cluster.berth;
    const command = ['sh', '-c', 'sleep 600'];
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'named',
        containerDefinitions: [{ name: 'app', image: cluster.image, memory: 32, cpu: 64, command, stopTimeout: 1 }],
      }),
    );
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'huge',
        containerDefinitions: [{ name: 'app', image: cluster.image, memory: 900_000, command }],
      }),
    );
    instanceArns = (await berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER })))
      .containerInstanceArns!;
    expect(instanceArns).toHaveLength(2);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function runningTasks(): Promise<string[]> {
    return (await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER }))).taskArns ?? [];
  }

  it('starts one task on each named instance, with the request members of RunTask, and it runs there', async () => {
    const second = instanceArns[1]!;
    const secondId = second.split('/').pop()!;
    const answer = await berth.ecs.send(
      new StartTaskCommand({
        cluster: CLUSTER,
        taskDefinition: 'named',
        containerInstances: [second, secondId],
        startedBy: 'ops',
        group: 'pinned',
        tags: [{ key: 'team', value: 'a' }],
        overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'WHERE', value: 'two' }] }] },
      }),
    );
    expect(answer.failures).toEqual([]);
    expect(answer.tasks).toHaveLength(2);
    for (const task of answer.tasks!) {
      expect(task.containerInstanceArn).toBe(second);
      expect(task.startedBy).toBe('ops');
      expect(task.group).toBe('pinned');
      expect(task.tags).toEqual([{ key: 'team', value: 'a' }]);
      expect(task.overrides?.containerOverrides?.[0]?.environment).toEqual([{ name: 'WHERE', value: 'two' }]);
    }
    const arns = answer.tasks!.map((t) => t.taskArn!);
    const running = await waitFor(
      async () => {
        const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }));
        const tasks = described.tasks ?? [];
        return tasks.every((t) => t.lastStatus === 'RUNNING') ? tasks : undefined;
      },
      { timeoutMs: 60_000, what: 'the started tasks to run' },
    );
    expect(running.every((t) => t.containerInstanceArn === second)).toBe(true);
  });

  it('answers an instance without room, a draining one and unknown ones in failures[], writing no task for them', async () => {
    const before = await runningTasks();
    const first = instanceArns[0]!;
    const tooBig = await berth.ecs.send(
      new StartTaskCommand({ cluster: CLUSTER, taskDefinition: 'huge', containerInstances: [first] }),
    );
    expect(tooBig.tasks).toEqual([]);
    expect(tooBig.failures).toEqual([expect.objectContaining({ arn: first, reason: 'RESOURCE:MEMORY' })]);

    await berth.ecs.send(
      new UpdateContainerInstancesStateCommand({ cluster: CLUSTER, containerInstances: [first], status: 'DRAINING' }),
    );
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'elsewhere' }));
    const foreign = await registerInstance(berth, 'elsewhere', { cpu: 1024, memory: 1024 });
    try {
      const answer = await berth.ecs.send(
        new StartTaskCommand({
          cluster: CLUSTER,
          taskDefinition: 'named',
          containerInstances: [first, 'no-such-instance', foreign.containerInstanceArn],
        }),
      );
      expect(answer.tasks).toEqual([]);
      expect(answer.failures).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ arn: first, reason: 'INACTIVE' }),
          { arn: 'no-such-instance', reason: 'MISSING' },
          { arn: foreign.containerInstanceArn, reason: 'MISSING' },
        ]),
      );
      expect(answer.failures).toHaveLength(3);
    } finally {
      await berth.ecs.send(
        new UpdateContainerInstancesStateCommand({ cluster: CLUSTER, containerInstances: [first], status: 'ACTIVE' }),
      );
    }
    expect(await runningTasks()).toEqual(before);
  });

  it.each([
    ['no instance', { containerInstances: [] }, /containerInstances/],
    ['eleven instances', { containerInstances: Array.from({ length: 11 }, (_, i) => `i-${i}`) }, /containerInstances/],
    ['an empty instance reference', { containerInstances: [''] }, /containerInstances/],
  ])('refuses %s with InvalidParameterException naming the member', async (_, extra, member) => {
    const before = await runningTasks();
    const error = await berth.ecs
      .send(
        new StartTaskCommand({
          cluster: CLUSTER,
          taskDefinition: 'named',
          ...(extra as { containerInstances: string[] }),
        }),
      )
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toMatch(/InvalidParameterException|ClientException/);
    expect((error as Error).message).toMatch(member);
    expect(await runningTasks()).toEqual(before);
  });
});
