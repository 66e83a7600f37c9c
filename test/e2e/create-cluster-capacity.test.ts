import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DeleteCapacityProviderCommand,
  DescribeClustersCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEcs } from '../support/aws-cli.ts';
import { failureOf } from '../support/failure-of.ts';
import { startBerth } from '../support/berth.ts';

/**
 * CreateCluster's `capacityProviders` and `defaultCapacityProviderStrategy`
 * through the unmodified ECS SDK and the AWS CLI: checked as
 * PutClusterCapacityProviders checks them, and a refused request creates
 * no cluster.
 */
describe('CreateCluster with capacity providers', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  const template = 'arn:aws:ec2:us-east-1:123456789012:launch-template/lt-0abc';

  beforeAll(async () => {
    berth = await startBerth();
    for (const name of ['ondemand', 'spare']) {
      await berth.ecs.send(
        new CreateCapacityProviderCommand({ name, autoScalingGroupProvider: { autoScalingGroupArn: template } }),
      );
    }
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function exists(cluster: string): Promise<boolean> {
    const described = await berth.ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));
    return (described.clusters ?? []).length > 0;
  }

  it('creates the cluster with its providers and default strategy, which RunTask then follows', async () => {
    const created = await berth.ecs.send(
      new CreateClusterCommand({
        clusterName: 'mixed',
        capacityProviders: ['ondemand', 'arn:aws:ecs:us-east-1:000000000000:capacity-provider/spare'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'ondemand', base: 1, weight: 1 }],
      }),
    );
    expect(created.cluster).toMatchObject({
      clusterName: 'mixed',
      status: 'ACTIVE',
      capacityProviders: ['ondemand', 'spare'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'ondemand', base: 1, weight: 1 }],
    });
    const described = await berth.ecs.send(new DescribeClustersCommand({ clusters: ['mixed'] }));
    expect(described.clusters?.[0]?.capacityProviders).toEqual(['ondemand', 'spare']);

    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'cc-small',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
      }),
    );
    const run = await berth.ecs.send(new RunTaskCommand({ cluster: 'mixed', taskDefinition: 'cc-small' }));
    expect(run.tasks?.[0]?.capacityProviderName).toBe('ondemand');

    // The association made at creation keeps the provider from being deleted.
    const inUse = await failureOf(() =>
      berth.ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'ondemand' })),
    );
    expect(inUse).toMatchObject({ name: 'ClientException', message: expect.stringContaining('mixed') as string });
  });

  it.each([
    [
      'an unknown provider',
      { capacityProviders: ['ghost'] },
      'ClientException',
      'capacity provider ghost does not exist',
    ],
    [
      'FARGATE, which Berth does not provide',
      { capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] },
      'ClientException',
      'capacity provider FARGATE does not exist',
    ],
    [
      'a strategy over a provider the cluster does not name',
      { capacityProviders: ['ondemand'], defaultCapacityProviderStrategy: [{ capacityProvider: 'spare', weight: 1 }] },
      'InvalidParameterException',
      'defaultCapacityProviderStrategy',
    ],
    [
      'a strategy without a weight',
      { capacityProviders: ['ondemand'], defaultCapacityProviderStrategy: [{ capacityProvider: 'ondemand', base: 1 }] },
      'InvalidParameterException',
      'defaultCapacityProviderStrategy',
    ],
  ])('refuses %s and creates no cluster', async (what, members, name, message) => {
    const clusterName = `refused-${what.replace(/[^a-zA-Z]+/g, '-')}`;
    const refused = await failureOf(() => berth.ecs.send(new CreateClusterCommand({ clusterName, ...members })));
    expect(refused).toMatchObject({ name, message: expect.stringContaining(message) as string });
    expect(await exists(clusterName)).toBe(false);
  });

  it('takes both members from the AWS CLI', async () => {
    const created = await awsEcs(
      berth,
      'create-cluster',
      '--cluster-name',
      'from-cli',
      '--capacity-providers',
      'spare',
      '--default-capacity-provider-strategy',
      'capacityProvider=spare,weight=2',
    );
    expect(created).toMatchObject({
      cluster: {
        clusterName: 'from-cli',
        capacityProviders: ['spare'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'spare', weight: 2 }],
      },
    });
    // As ECS answers it: the base the caller left out reads 0.
    expect((created.cluster as Record<string, unknown>).defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: 'spare', weight: 2, base: 0 },
    ]);
  });

  it('answers weight and base as 0 where the strategy left them out, as ECS does', async () => {
    const created = await berth.ecs.send(
      new CreateClusterCommand({
        clusterName: 'defaults',
        capacityProviders: ['ondemand', 'spare'],
        defaultCapacityProviderStrategy: [
          { capacityProvider: 'ondemand', base: 1 },
          { capacityProvider: 'spare', weight: 1 },
        ],
      }),
    );
    const both = [
      { capacityProvider: 'ondemand', weight: 0, base: 1 },
      { capacityProvider: 'spare', weight: 1, base: 0 },
    ];
    expect(created.cluster?.defaultCapacityProviderStrategy).toEqual(both);
    const described = await berth.ecs.send(new DescribeClustersCommand({ clusters: ['defaults'] }));
    expect(described.clusters?.[0]?.defaultCapacityProviderStrategy).toEqual(both);

    const put = await berth.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'defaults',
        capacityProviders: ['spare'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'spare', weight: 2 }],
      }),
    );
    const spare = [{ capacityProvider: 'spare', weight: 2, base: 0 }];
    expect(put.cluster?.defaultCapacityProviderStrategy).toEqual(spare);
    const after = await berth.ecs.send(new DescribeClustersCommand({ clusters: ['defaults'] }));
    expect(after.clusters?.[0]?.defaultCapacityProviderStrategy).toEqual(spare);
  });
});
