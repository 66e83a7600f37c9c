import {
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ContainerDefinition,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'answers';
const ARN_PREFIX = /^arn:aws:ecs:us-east-1:\d{12}:/;

/**
 * Answers ECS clients rely on, through the unmodified SDK against dev mode
 * with one real agent: what a task that stops on its own says, how Describe*
 * name what they did not find, the words of RegisterTaskDefinition's
 * refusals, and which mistake a request is refused for first.
 */
describe('the answers ECS clients rely on', { timeout: 120_000 }, () => {
  let cluster: ContainerCluster;
  let image: string;
  const ecs = () => cluster.berth.ecs;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    ({ image } = cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function runOne(family: string, container: Partial<ContainerDefinition>): Promise<string> {
    await ecs().send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'app', image, memory: 16, ...container }],
      }),
    );
    const out = await ecs().send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: family }));
    expect(out.failures).toEqual([]);
    return out.tasks?.[0]?.taskArn ?? '';
  }

  const stopped = (arn: string) =>
    waitFor(
      async () => {
        const out = await ecs().send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }));
        const task = out.tasks?.[0];
        return task?.lastStatus === 'STOPPED' ? task : undefined;
      },
      { timeoutMs: 60_000, what: `${arn} to stop` },
    );

  it('a task whose essential container exits is desired STOPPED and leaves the default ListTasks', async () => {
    const arn = await runOne('exits', { command: ['sh', '-c', 'exit 0'] });
    const task: Task = await stopped(arn);
    expect(task).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited' });
    const running = await ecs().send(new ListTasksCommand({ cluster: CLUSTER }));
    expect(running.taskArns).not.toContain(arn);
    const desiredStopped = await ecs().send(new ListTasksCommand({ cluster: CLUSTER, desiredStatus: 'STOPPED' }));
    expect(desiredStopped.taskArns).toContain(arn);
  });

  it('a task that fails to start is desired STOPPED too', async () => {
    const arn = await runOne('no-image', { image: 'berth-test/no-such-image:never' });
    const task = await stopped(arn);
    expect(task.desiredStatus).toBe('STOPPED');
    expect(task.stoppedReason).toMatch(/CannotPullContainerError/);
    const running = await ecs().send(new ListTasksCommand({ cluster: CLUSTER }));
    expect(running.taskArns).not.toContain(arn);
  });

  it('a service replaces its task that exits, and only the replacement is listed as running', async () => {
    await ecs().send(
      new RegisterTaskDefinitionCommand({
        family: 'short-lived',
        containerDefinitions: [{ name: 'app', image, memory: 16, command: ['sh', '-c', 'sleep 1; exit 1'] }],
      }),
    );
    await ecs().send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'flappy',
        taskDefinition: 'short-lived',
        desiredCount: 1,
      }),
    );
    const replaced = await waitFor(
      async () => {
        const gone = await ecs().send(
          new ListTasksCommand({ cluster: CLUSTER, serviceName: 'flappy', desiredStatus: 'STOPPED' }),
        );
        const live = await ecs().send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'flappy' }));
        return (gone.taskArns ?? []).length >= 1 && (live.taskArns ?? []).length === 1
          ? { gone: gone.taskArns ?? [], live: live.taskArns ?? [] }
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the service to replace its exited task' },
    );
    expect(replaced.live.filter((arn) => replaced.gone.includes(arn))).toEqual([]);
  });

  it('Describe* name what they did not find by its full ARN', async () => {
    const services = await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['ghost'] }));
    expect(services.failures).toEqual([{ arn: expect.stringMatching(ARN_PREFIX), reason: 'MISSING' }]);
    expect(services.failures?.[0]?.arn).toMatch(/:service\/answers\/ghost$/);

    const id = 'f'.repeat(32);
    const tasks = await ecs().send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [id] }));
    expect(tasks.failures?.[0]).toEqual({ arn: expect.stringMatching(ARN_PREFIX), reason: 'MISSING' });
    expect(tasks.failures?.[0]?.arn).toMatch(new RegExp(`:task/answers/${id}$`));

    const instances = await ecs().send(
      new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [id] }),
    );
    expect(instances.failures?.[0]).toEqual({ arn: expect.stringMatching(ARN_PREFIX), reason: 'MISSING' });
    expect(instances.failures?.[0]?.arn).toMatch(new RegExp(`:container-instance/answers/${id}$`));

    const clusters = await ecs().send(new DescribeClustersCommand({ clusters: ['nowhere'] }));
    expect(clusters.failures?.[0]?.arn).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:cluster\/nowhere$/);
  });

  it.each<[string, ContainerDefinition[], string]>([
    ['a container without a name', [{ image: 'busybox', memory: 16 }], 'Container.name should not be null or empty.'],
    ['an empty name', [{ name: '', image: 'busybox', memory: 16 }], 'Container.name should not be null or empty.'],
    [
      'a name with a space',
      [{ name: 'a b', image: 'busybox', memory: 16 }],
      'Container.name contains invalid characters.',
    ],
    ['a container without an image', [{ name: 'app', memory: 16 }], 'Container.image should not be null or empty.'],
    ['an empty image', [{ name: 'app', image: '', memory: 16 }], 'Container.image should not be null or empty.'],
    [
      'too little memory',
      [{ name: 'app', image: 'busybox', memory: 4 }],
      "Invalid 'memory' setting for container: the minimum is 6 MiB.",
    ],
    [
      'no memory at all',
      [{ name: 'app', image: 'busybox' }],
      "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.",
    ],
    [
      'two containers of one name',
      [
        { name: 'app', image: 'busybox', memory: 16 },
        { name: 'app', image: 'busybox', memory: 16 },
      ],
      'Container names must be unique within a Task Definition.',
    ],
    [
      'eleven containers',
      Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, image: 'busybox', memory: 16 })),
      'Too many containers.',
    ],
  ])('refuses %s with ECS words, as a ClientException', async (_what, containerDefinitions, message) => {
    await expect(
      ecs().send(new RegisterTaskDefinitionCommand({ family: 'refused', containerDefinitions })),
    ).rejects.toMatchObject({ name: 'ClientException', message, $metadata: { httpStatusCode: 400 } });
  });

  it('registered nothing for the refused definitions', async () => {
    await expect(ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'refused' }))).rejects.toMatchObject({
      name: 'ClientException',
    });
  });

  it('lists compatibilities in the order ECS does', async () => {
    await ecs().send(
      new RegisterTaskDefinitionCommand({
        family: 'compat',
        requiresCompatibilities: ['EC2'],
        containerDefinitions: [{ name: 'app', image, memory: 16 }],
      }),
    );
    const out = await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'compat' }));
    expect(out.taskDefinition?.compatibilities).toEqual(['EXTERNAL', 'EC2']);
    expect(out.taskDefinition?.requiresCompatibilities).toEqual(['EC2']);
  });

  it('answers a missing cluster before what else the request gets wrong', async () => {
    await expect(
      ecs().send(new RunTaskCommand({ cluster: 'nowhere', taskDefinition: 'no-such-family', count: 11 })),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
    await expect(
      ecs().send(new CreateServiceCommand({ cluster: 'nowhere', serviceName: 's', taskDefinition: 'no-such-family' })),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
    await expect(
      ecs().send(new DescribeTasksCommand({ cluster: 'nowhere', tasks: ['not/a/valid/id'] })),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
  });
});
