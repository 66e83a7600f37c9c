import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The quick path a user takes, through the unmodified ECS SDK against dev
 * mode: cluster, task definition, two instances (registered through the
 * agent API), RunTask, DescribeTasks, StopTask, ListTasks pagination.
 */
describe('ECS SDK against dev mode', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  let instanceArns: string[];
  let taskArns: string[];

  beforeAll(async () => {
    berth = await startBerth();
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('creates a cluster and registers a task definition', async () => {
    const cluster = await berth.ecs.send(new CreateClusterCommand({ clusterName: 'sdk' }));
    expect(cluster.cluster).toMatchObject({ clusterName: 'sdk', status: 'ACTIVE' });
    expect(cluster.cluster?.clusterArn).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:cluster\/sdk$/);
    const registered = await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 256, cpu: 128, essential: true }],
      }),
    );
    expect(registered.taskDefinition).toMatchObject({ family: 'web', revision: 1, status: 'ACTIVE' });
  });

  it('registers two container instances through the agent API', async () => {
    const a = await registerInstance(berth, 'sdk', { cpu: 2048, memory: 1024 });
    const b = await registerInstance(berth, 'sdk', { cpu: 2048, memory: 1024 });
    const listed = await berth.ecs.send(new ListContainerInstancesCommand({ cluster: 'sdk' }));
    instanceArns = [a.containerInstanceArn, b.containerInstanceArn];
    expect([...(listed.containerInstanceArns ?? [])].sort()).toEqual([...instanceArns].sort());
  });

  it('runs 3 tasks and binpack puts them all on one instance', async () => {
    const run = await berth.ecs.send(
      new RunTaskCommand({
        cluster: 'sdk',
        taskDefinition: 'web',
        count: 3,
        startedBy: 'e2e',
        placementStrategy: [{ type: 'binpack', field: 'memory' }],
      }),
    );
    expect(run.failures).toEqual([]);
    expect(run.tasks).toHaveLength(3);
    taskArns = (run.tasks ?? []).map((t) => t.taskArn ?? '');

    const placed = await waitFor(
      async () => {
        const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: 'sdk', tasks: taskArns }));
        const tasks = described.tasks ?? [];
        return tasks.length === 3 && tasks.every((t) => t.containerInstanceArn) ? tasks : undefined;
      },
      { what: 'three placed tasks' },
    );
    const hosts = new Set(placed.map((t: Task) => t.containerInstanceArn));
    expect(hosts.size).toBe(1);
    expect(placed.every((t) => t.lastStatus === 'PENDING' && t.desiredStatus === 'RUNNING')).toBe(true);
    expect(placed[0]).toMatchObject({
      memory: '256',
      cpu: '128',
      startedBy: 'e2e',
      group: 'family:web',
      launchType: 'EC2',
    });

    const [host] = [...hosts];
    const instances = await berth.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'sdk', containerInstances: [host ?? ''] }),
    );
    const remaining = instances.containerInstances?.[0]?.remainingResources?.find((r) => r.name === 'MEMORY');
    expect(remaining?.integerValue).toBe(1024 - 3 * 256);
  });

  it('paginates ListTasks', async () => {
    const first = await berth.ecs.send(new ListTasksCommand({ cluster: 'sdk', maxResults: 2 }));
    expect(first.taskArns).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    const second = await berth.ecs.send(
      new ListTasksCommand({ cluster: 'sdk', maxResults: 2, nextToken: first.nextToken }),
    );
    expect(second.taskArns).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    expect([...(first.taskArns ?? []), ...(second.taskArns ?? [])].sort()).toEqual([...taskArns].sort());
  });

  it('StopTask moves a task to desiredStatus STOPPED', async () => {
    const stopped = await berth.ecs.send(
      new StopTaskCommand({ cluster: 'sdk', task: taskArns[0], reason: 'done with it' }),
    );
    expect(stopped.task).toMatchObject({
      desiredStatus: 'STOPPED',
      stoppedReason: 'done with it',
      stopCode: 'UserInitiated',
    });
    const running = await berth.ecs.send(new ListTasksCommand({ cluster: 'sdk' }));
    expect(running.taskArns).toHaveLength(2);
    const stoppedList = await berth.ecs.send(new ListTasksCommand({ cluster: 'sdk', desiredStatus: 'STOPPED' }));
    expect(stoppedList.taskArns).toEqual([taskArns[0]]);
  });
});
