import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type Tag,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusters } from '#shared/domain/collections.ts';
import { registerInstance, startBerth, type TestBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';

const ARN = 'arn:aws:ecs:us-east-1:000000000000';

/**
 * Tags through the unmodified ECS SDK: TagResource, UntagResource and
 * ListTagsForResource on every taggable resource, tags in Describe* only
 * with include TAGS, and the tags tasks get from propagateTags and
 * enableECSManagedTags. No containers run: tags never reach one.
 */
describe('tags', () => {
  let berth: TestBerth;
  let instanceArn: string;
  let taskArn: string;

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'tagged', tags: [{ key: 'team', value: 'a' }] }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'busybox', memory: 32 }],
        tags: [
          { key: 'from', value: 'definition' },
          { key: 'tier', value: 'definition' },
        ],
      }),
    );
    instanceArn = (await registerInstance(berth, 'tagged', { cpu: 4096, memory: 4096 })).containerInstanceArn;
    const run = await berth.ecs.send(new RunTaskCommand({ cluster: 'tagged', taskDefinition: 'web' }));
    taskArn = run.tasks?.[0]?.taskArn ?? '';
    await berth.ecs.send(new CreateServiceCommand({ cluster: 'tagged', serviceName: 'api', taskDefinition: 'web' }));
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const list = async (resourceArn: string) =>
    (await berth.ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags;

  it.each([
    ['a cluster', () => `${ARN}:cluster/tagged`, [{ key: 'team', value: 'a' }]],
    ['a service', () => `${ARN}:service/tagged/api`, []],
    ['a task', () => taskArn, []],
    [
      'a task definition revision',
      () => `${ARN}:task-definition/web:1`,
      [
        { key: 'from', value: 'definition' },
        { key: 'tier', value: 'definition' },
      ],
    ],
    ['a container instance', () => instanceArn, []],
  ])('tags, lists and untags %s', async (_what, arnOf, initial: Tag[]) => {
    const resourceArn = arnOf();
    expect(await list(resourceArn)).toEqual(initial);
    await berth.ecs.send(
      new TagResourceCommand({
        resourceArn,
        tags: [
          { key: 'owner', value: 'me' },
          { key: 'empty', value: '' },
        ],
      }),
    );
    expect(await list(resourceArn)).toEqual([...initial, { key: 'owner', value: 'me' }, { key: 'empty', value: '' }]);
    // A key given again takes its new value in place.
    await berth.ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'owner', value: 'you' }] }));
    expect(await list(resourceArn)).toContainEqual({ key: 'owner', value: 'you' });
    // Removing a key that is not there is no error.
    await berth.ecs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['owner', 'empty', 'never-there'] }));
    expect(await list(resourceArn)).toEqual(initial);
  });

  it('returns tags from Describe* only when asked with include TAGS', async () => {
    await berth.ecs.send(new TagResourceCommand({ resourceArn: instanceArn, tags: [{ key: 'rack', value: '7' }] }));
    await berth.ecs.send(new TagResourceCommand({ resourceArn: taskArn, tags: [{ key: 'job', value: 'x' }] }));
    await berth.ecs.send(
      new TagResourceCommand({ resourceArn: `${ARN}:service/tagged/api`, tags: [{ key: 'svc', value: 'y' }] }),
    );
    const describe = async (include: 'TAGS'[] | undefined) => ({
      cluster: (await berth.ecs.send(new DescribeClustersCommand({ clusters: ['tagged'], include }))).clusters?.[0],
      service: (await berth.ecs.send(new DescribeServicesCommand({ cluster: 'tagged', services: ['api'], include })))
        .services?.[0],
      task: (await berth.ecs.send(new DescribeTasksCommand({ cluster: 'tagged', tasks: [taskArn], include })))
        .tasks?.[0],
      instance: (
        await berth.ecs.send(
          new DescribeContainerInstancesCommand({ cluster: 'tagged', containerInstances: [instanceArn], include }),
        )
      ).containerInstances?.[0],
      definition: await berth.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include })),
    });
    const without = await describe(undefined);
    expect(without.cluster?.clusterName).toBe('tagged');
    expect(without.cluster?.tags).toBeUndefined();
    expect(without.service?.tags).toBeUndefined();
    expect(without.task?.tags).toBeUndefined();
    expect(without.instance?.tags).toBeUndefined();
    expect(without.definition.tags).toBeUndefined();
    const withTags = await describe(['TAGS']);
    expect(withTags.cluster?.tags).toEqual([{ key: 'team', value: 'a' }]);
    expect(withTags.service?.tags).toEqual([{ key: 'svc', value: 'y' }]);
    expect(withTags.task?.tags).toEqual([{ key: 'job', value: 'x' }]);
    expect(withTags.instance?.tags).toEqual([{ key: 'rack', value: '7' }]);
    expect(withTags.definition.tags).toEqual([
      { key: 'from', value: 'definition' },
      { key: 'tier', value: 'definition' },
    ]);
  });

  it("gives RunTask's tasks the definition's tags, its own over them, and ECS's managed tag", async () => {
    const run = await berth.ecs.send(
      new RunTaskCommand({
        cluster: 'tagged',
        taskDefinition: 'web',
        propagateTags: 'TASK_DEFINITION',
        enableECSManagedTags: true,
        tags: [{ key: 'tier', value: 'run' }],
      }),
    );
    expect(run.tasks?.[0]?.tags).toEqual([
      { key: 'from', value: 'definition' },
      { key: 'tier', value: 'run' },
      { key: 'aws:ecs:clusterName', value: 'tagged' },
    ]);
    expect(await list(run.tasks?.[0]?.taskArn ?? '')).toEqual(run.tasks?.[0]?.tags);
  });

  it("gives a service's tasks the service's tags and the managed tags, as set by UpdateService", async () => {
    const created = await berth.ecs.send(
      new CreateServiceCommand({
        cluster: 'tagged',
        serviceName: 'worker',
        taskDefinition: 'web',
        tags: [{ key: 'from', value: 'service' }],
        propagateTags: 'SERVICE',
        enableECSManagedTags: true,
      }),
    );
    expect(created.service).toMatchObject({ propagateTags: 'SERVICE', enableECSManagedTags: true });
    const updated = await berth.ecs.send(
      new UpdateServiceCommand({ cluster: 'tagged', service: 'worker', desiredCount: 1 }),
    );
    expect(updated.service).toMatchObject({ propagateTags: 'SERVICE', enableECSManagedTags: true });
    const arn = await waitFor(
      async () =>
        (await berth.ecs.send(new ListTasksCommand({ cluster: 'tagged', serviceName: 'worker' }))).taskArns?.[0],
      { what: "the service's task" },
    );
    expect(await list(arn)).toEqual([
      { key: 'from', value: 'service' },
      { key: 'aws:ecs:clusterName', value: 'tagged' },
      { key: 'aws:ecs:serviceName', value: 'worker' },
    ]);
    const switched = await berth.ecs.send(
      new UpdateServiceCommand({
        cluster: 'tagged',
        service: 'worker',
        propagateTags: 'TASK_DEFINITION',
        enableECSManagedTags: false,
      }),
    );
    expect(switched.service).toMatchObject({ propagateTags: 'TASK_DEFINITION', enableECSManagedTags: false });
  });

  it('keeps a concurrent change of the same item', async () => {
    const key = clusters.key('tagged');
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        berth.ecs.send(
          new TagResourceCommand({ resourceArn: `${ARN}:cluster/tagged`, tags: [{ key: `k${i}`, value: `${i}` }] }),
        ),
      ),
    );
    const tags = (await berth.ctx.store.get(clusters, key))?.value.tags ?? [];
    expect(tags.map((t) => t.key).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'team']);
    await berth.ecs.send(
      new UntagResourceCommand({
        resourceArn: `${ARN}:cluster/tagged`,
        tagKeys: ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'],
      }),
    );
  });
});
