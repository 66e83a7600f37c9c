import {
  CreateClusterCommand,
  DeleteAttributesCommand,
  DescribeContainerInstancesCommand,
  ListAttributesCommand,
  PutAttributesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Attribute,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startBerth } from '../support/berth.ts';

/**
 * PutAttributes, DeleteAttributes and ListAttributes through the unmodified
 * ECS SDK against dev mode, and what attributes do to RunTask's placement
 * and its failures.
 */
describe('container instance attributes', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  let a: { id: string; arn: string };
  let b: { id: string; arn: string };

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'attrs' }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'small',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, cpu: 16, essential: true }],
      }),
    );
    const zone = (value: string) => ({ attributes: [{ name: 'ecs.availability-zone', value }] });
    const first = await registerInstance(berth, 'attrs', { cpu: 1024, memory: 1024 }, zone('zone-a'));
    const second = await registerInstance(berth, 'attrs', { cpu: 1024, memory: 1024 }, zone('zone-b'));
    a = { id: first.instanceId, arn: first.containerInstanceArn };
    b = { id: second.instanceId, arn: second.containerInstanceArn };
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function describeInstance(arn: string) {
    const described = await berth.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'attrs', containerInstances: [arn] }),
    );
    return described.containerInstances?.[0];
  }

  async function failureOf(send: () => Promise<unknown>): Promise<{ name: string; message: string }> {
    try {
      await send();
    } catch (error) {
      if (error instanceof Error) return { name: error.name, message: error.message };
      throw error;
    }
    throw new Error('expected the call to fail');
  }

  it('puts attributes by ARN and by id, without raising the instance version', async () => {
    const before = await describeInstance(a.arn);
    const put = await berth.ecs.send(
      new PutAttributesCommand({
        cluster: 'attrs',
        attributes: [
          { name: 'stack', value: 'prod', targetId: a.arn },
          { name: 'team/owner', value: 'payments@example', targetId: b.id, targetType: 'container-instance' },
        ],
      }),
    );
    expect(put.attributes).toEqual([
      { name: 'stack', value: 'prod', targetType: 'container-instance', targetId: a.arn },
      { name: 'team/owner', value: 'payments@example', targetType: 'container-instance', targetId: b.arn },
    ]);
    const after = await describeInstance(a.arn);
    expect(after?.attributes).toContainEqual({ name: 'stack', value: 'prod' });
    expect(after?.attributes).toContainEqual({ name: 'ecs.availability-zone', value: 'zone-a' });
    expect(after?.version).toBe(before?.version);
  });

  it('replaces a value in place and keeps value-less attributes', async () => {
    await berth.ecs.send(
      new PutAttributesCommand({
        cluster: 'attrs',
        attributes: [
          { name: 'stack', value: 'staging', targetId: a.arn },
          { name: 'gpu-ready', targetId: a.arn },
        ],
      }),
    );
    const names = (await describeInstance(a.arn))?.attributes?.filter((x) => !x.name?.startsWith('ecs.'));
    expect(names).toEqual([{ name: 'stack', value: 'staging' }, { name: 'gpu-ready' }]);
  });

  it.each([
    ['a built-in ecs. name', [{ name: 'ecs.instance-type', value: 'huge' }], 'InvalidParameterException', /built-in/],
    ['a name with a space', [{ name: 'bad name', value: 'x' }], 'InvalidParameterException', /name/],
    ['a value ending in a space', [{ name: 'ok', value: 'x ' }], 'InvalidParameterException', /value/],
    ['an empty value', [{ name: 'ok', value: '' }], 'InvalidParameterException', /value/],
    [
      'eleven attributes in one call',
      Array.from({ length: 11 }, (_, n) => ({ name: `n${n}` })),
      'InvalidParameterException',
      /attributes/,
    ],
  ])('refuses %s', async (_what, items, type, message) => {
    const failure = await failureOf(() =>
      berth.ecs.send(
        new PutAttributesCommand({ cluster: 'attrs', attributes: items.map((i) => ({ ...i, targetId: a.arn })) }),
      ),
    );
    expect(failure.name).toBe(type);
    expect(failure.message).toMatch(message);
  });

  it('refuses a short id without targetType, and an unknown target', async () => {
    const short = await failureOf(() =>
      berth.ecs.send(new PutAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'x', targetId: a.id }] })),
    );
    expect(short).toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/targetType/) });
    const unknown = await failureOf(() =>
      berth.ecs.send(
        new PutAttributesCommand({
          cluster: 'attrs',
          attributes: [{ name: 'x', targetId: 'f00dfeed', targetType: 'container-instance' }],
        }),
      ),
    );
    expect(unknown.name).toBe('TargetNotFoundException');
  });

  it('allows at most 10 custom attributes on one instance', async () => {
    const put = (names: string[]) =>
      berth.ecs.send(
        new PutAttributesCommand({
          cluster: 'attrs',
          attributes: names.map((name) => ({ name, value: 'v', targetId: b.arn })),
        }),
      );
    // b holds team/owner already: nine more make ten.
    await put(Array.from({ length: 9 }, (_, n) => `label-${n}`));
    const failure = await failureOf(() => put(['one-too-many']));
    expect(failure.name).toBe('AttributeLimitExceededException');
    expect(failure.message).toMatch(/at most 10/);
    await put(['label-0']); // updating an existing name is still allowed
    const names = (await describeInstance(b.arn))?.attributes?.map((x) => x.name);
    expect(names).not.toContain('one-too-many');
    // Over the limit on one target: the other target of the call is left alone too.
    const mixed = await failureOf(() =>
      berth.ecs.send(
        new PutAttributesCommand({
          cluster: 'attrs',
          attributes: [
            { name: 'fine-on-a', targetId: a.arn },
            { name: 'too-many-on-b', targetId: b.arn },
          ],
        }),
      ),
    );
    expect(mixed.message).toMatch(/at most 10/);
    expect((await describeInstance(a.arn))?.attributes?.map((x) => x.name)).not.toContain('fine-on-a');
  });

  it('lists attributes with filters and nextToken pagination', async () => {
    const all: Attribute[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await berth.ecs.send(
        new ListAttributesCommand({ cluster: 'attrs', targetType: 'container-instance', maxResults: 3, nextToken }),
      );
      expect(page.attributes?.length).toBeLessThanOrEqual(3);
      all.push(...(page.attributes ?? []));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken !== undefined);
    const onB = all.filter((x) => x.targetId === b.arn).map((x) => x.name);
    expect(onB).toHaveLength(11); // ten custom and the zone
    expect(new Set(all.map((x) => `${x.targetId}/${x.name}`)).size).toBe(all.length);
    expect(pages).toBe(Math.ceil(all.length / 3));

    const zones = await berth.ecs.send(
      new ListAttributesCommand({
        cluster: 'attrs',
        targetType: 'container-instance',
        attributeName: 'ecs.availability-zone',
        attributeValue: 'zone-b',
      }),
    );
    expect(zones.attributes).toEqual([
      { name: 'ecs.availability-zone', value: 'zone-b', targetType: 'container-instance', targetId: b.arn },
    ]);
    const valueOnly = await failureOf(() =>
      berth.ecs.send(
        new ListAttributesCommand({ cluster: 'attrs', targetType: 'container-instance', attributeValue: 'zone-b' }),
      ),
    );
    expect(valueOnly.name).toBe('InvalidParameterException');
  });

  it('deletes custom attributes, idempotently, and never built-in ones', async () => {
    const remove = (name: string) =>
      berth.ecs.send(new DeleteAttributesCommand({ cluster: 'attrs', attributes: [{ name, targetId: a.arn }] }));
    const deleted = await remove('gpu-ready');
    expect(deleted.attributes).toEqual([{ name: 'gpu-ready', targetType: 'container-instance', targetId: a.arn }]);
    await remove('gpu-ready');
    expect((await describeInstance(a.arn))?.attributes?.map((x) => x.name)).not.toContain('gpu-ready');
    const builtIn = await failureOf(() => remove('ecs.availability-zone'));
    expect(builtIn.name).toBe('InvalidParameterException');
  });

  it('places by a custom attribute as soon as it is put', async () => {
    const run = await berth.ecs.send(
      new RunTaskCommand({
        cluster: 'attrs',
        taskDefinition: 'small',
        count: 2,
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == staging' }],
      }),
    );
    expect(run.failures).toEqual([]);
    expect(run.tasks).toHaveLength(2);
  });

  it('answers an unmatched memberOf with ATTRIBUTE per instance', async () => {
    const run = await berth.ecs.send(
      new RunTaskCommand({
        cluster: 'attrs',
        taskDefinition: 'small',
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == prod' }],
      }),
    );
    expect(run.tasks).toEqual([]);
    expect(run.failures?.map((f) => [f.arn, f.reason]).sort()).toEqual(
      [
        [a.arn, 'ATTRIBUTE'],
        [b.arn, 'ATTRIBUTE'],
      ].sort(),
    );
    expect(run.failures?.[0]?.detail).toMatch(/memberOf/);
  });

  it('answers distinctInstance beyond the fleet with DISTINCT_INSTANCE per instance', async () => {
    const run = await berth.ecs.send(
      new RunTaskCommand({
        cluster: 'attrs',
        taskDefinition: 'small',
        group: 'one-per-host',
        count: 3,
        placementConstraints: [{ type: 'distinctInstance' }],
      }),
    );
    expect(run.tasks).toHaveLength(2);
    expect(run.failures?.map((f) => [f.arn, f.reason]).sort()).toEqual(
      [
        [a.arn, 'DISTINCT_INSTANCE'],
        [b.arn, 'DISTINCT_INSTANCE'],
      ].sort(),
    );
  });
});
