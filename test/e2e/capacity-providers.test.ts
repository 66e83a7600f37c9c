import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DeleteCapacityProviderCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  PutClusterCapacityProvidersCommand,
  UpdateCapacityProviderCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from '../support/failure-of.ts';
import { startBerth } from '../support/berth.ts';

/**
 * The capacity provider operations and PutClusterCapacityProviders through
 * the unmodified ECS SDK against dev mode: ECS's shapes, its errors, and
 * nothing written by a refused request.
 */
describe('capacity providers', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  const template = (id: string) => `arn:aws:ec2:us-east-1:123456789012:launch-template/${id}`;

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'fleet' }));
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const create = (name: string, extra: Record<string, unknown> = {}) =>
    berth.ecs.send(
      new CreateCapacityProviderCommand({
        name,
        autoScalingGroupProvider: { autoScalingGroupArn: template('lt-0abc'), ...extra },
        tags: [{ key: 'team', value: 'infra' }],
      }),
    );

  const describeNamed = async (names: string[], include?: 'TAGS'[]) =>
    berth.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: names, ...(include && { include }) }));

  it('creates a provider with ECS defaults resolved, and describes it with tags only when asked', async () => {
    const created = await create('web', { managedScaling: { status: 'ENABLED', targetCapacity: 80 } });
    expect(created.capacityProvider).toEqual({
      capacityProviderArn: 'arn:aws:ecs:us-east-1:000000000000:capacity-provider/web',
      name: 'web',
      status: 'ACTIVE',
      type: 'EC2_AUTOSCALING',
      autoScalingGroupProvider: {
        autoScalingGroupArn: template('lt-0abc'),
        managedScaling: {
          status: 'ENABLED',
          targetCapacity: 80,
          minimumScalingStepSize: 1,
          maximumScalingStepSize: 10000,
          instanceWarmupPeriod: 300,
        },
        managedTerminationProtection: 'DISABLED',
        managedDraining: 'ENABLED',
      },
      tags: [{ key: 'team', value: 'infra' }],
    });
    const plain = await describeNamed(['web', 'nope']);
    expect(plain.capacityProviders?.[0]?.tags).toBeUndefined();
    expect(plain.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:000000000000:capacity-provider/nope', reason: 'MISSING' },
    ]);
    const tagged = await describeNamed([created.capacityProvider!.capacityProviderArn!], ['TAGS']);
    expect(tagged.capacityProviders?.[0]?.tags).toEqual([{ key: 'team', value: 'infra' }]);
  });

  it('refuses a second provider of the same name, reserved prefixes and a non-template ARN, writing nothing', async () => {
    expect(await failureOf(() => create('web'))).toMatchObject({
      name: 'ClientException',
      message: expect.stringContaining('already exists') as string,
    });
    expect(await failureOf(() => create('ecs-thing'))).toMatchObject({ name: 'ClientException' });
    const badArn = await failureOf(() =>
      berth.ecs.send(
        new CreateCapacityProviderCommand({
          name: 'asg',
          autoScalingGroupProvider: { autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:1:autoScalingGroup:x' },
        }),
      ),
    );
    expect(badArn).toMatchObject({ name: 'InvalidParameterException' });
    expect(badArn.message).toContain('autoScalingGroupArn');
    expect((await describeNamed(['asg', 'ecs-thing'])).failures).toHaveLength(2);
  });

  it('pages through the active providers', async () => {
    for (const name of ['p1', 'p2', 'p3']) await create(name);
    const first = await berth.ecs.send(new DescribeCapacityProvidersCommand({ maxResults: 2 }));
    expect(first.capacityProviders).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    const rest = await berth.ecs.send(new DescribeCapacityProvidersCommand({ nextToken: first.nextToken }));
    const names = [...(first.capacityProviders ?? []), ...(rest.capacityProviders ?? [])].map((p) => p.name);
    expect(names).toEqual(['p1', 'p2', 'p3', 'web']);
  });

  it('updates managed scaling and termination protection', async () => {
    const updated = await berth.ecs.send(
      new UpdateCapacityProviderCommand({
        name: 'p1',
        autoScalingGroupProvider: {
          managedScaling: { status: 'ENABLED', maximumScalingStepSize: 4 },
          managedTerminationProtection: 'ENABLED',
        },
      }),
    );
    expect(updated.capacityProvider?.updateStatus).toBe('UPDATE_COMPLETE');
    expect(updated.capacityProvider?.autoScalingGroupProvider).toMatchObject({
      managedScaling: { status: 'ENABLED', maximumScalingStepSize: 4, minimumScalingStepSize: 1 },
      managedTerminationProtection: 'ENABLED',
    });
    expect(
      await failureOf(() =>
        berth.ecs.send(
          new UpdateCapacityProviderCommand({
            name: 'p1',
            autoScalingGroupProvider: { managedScaling: { minimumScalingStepSize: 5 } },
          }),
        ),
      ),
    ).toMatchObject({ name: 'ClientException' });
  });

  it('associates providers with a cluster and shows them in DescribeClusters', async () => {
    const put = await berth.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'fleet',
        capacityProviders: ['web', 'p1'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'web', base: 1, weight: 1 }],
      }),
    );
    expect(put.cluster?.capacityProviders).toEqual(['web', 'p1']);
    const described = await berth.ecs.send(new DescribeClustersCommand({ clusters: ['fleet'] }));
    expect(described.clusters?.[0]?.defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: 'web', base: 1, weight: 1 },
    ]);
  });

  it('refuses an unknown provider and a strategy outside the cluster, leaving the cluster as it was', async () => {
    const unknown = await failureOf(() =>
      berth.ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'fleet',
          capacityProviders: ['ghost'],
          defaultCapacityProviderStrategy: [],
        }),
      ),
    );
    expect(unknown).toMatchObject({ name: 'ClientException', message: expect.stringContaining('ghost') as string });
    const outside = await failureOf(() =>
      berth.ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'fleet',
          capacityProviders: ['web'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'p2', weight: 1 }],
        }),
      ),
    );
    expect(outside).toMatchObject({ name: 'InvalidParameterException' });
    expect(outside.message).toContain('defaultCapacityProviderStrategy');
    const described = await berth.ecs.send(new DescribeClustersCommand({ clusters: ['fleet'] }));
    expect(described.clusters?.[0]?.capacityProviders).toEqual(['web', 'p1']);
  });

  it('refuses to delete a provider a cluster names, and deletes one no cluster names', async () => {
    const inUse = await failureOf(() => berth.ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'web' })));
    expect(inUse).toMatchObject({ name: 'ClientException', message: expect.stringContaining('fleet') as string });
    expect((await describeNamed(['web'])).capacityProviders?.[0]?.status).toBe('ACTIVE');

    const deleted = await berth.ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'p3' }));
    expect(deleted.capacityProvider).toMatchObject({
      name: 'p3',
      status: 'ACTIVE',
      updateStatus: 'DELETE_IN_PROGRESS',
    });
    expect((await describeNamed(['p3'])).capacityProviders?.[0]).toMatchObject({
      status: 'INACTIVE',
      updateStatus: 'DELETE_COMPLETE',
    });
    const listed = await berth.ecs.send(new DescribeCapacityProvidersCommand({}));
    expect(listed.capacityProviders?.map((p) => p.name)).not.toContain('p3');
  });
});
