import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  ListClustersCommand,
  UpdateClusterCommand,
  UpdateClusterSettingsCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerth, type TestBerth } from '../support/berth.ts';

/** UpdateCluster, UpdateClusterSettings and a deleted cluster's afterlife, through the unmodified SDK. */
describe('cluster updates and deletion', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerth();
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const describeOne = async (name: string) => {
    const answer = await berth.ecs.send(new DescribeClustersCommand({ clusters: [name], include: ['SETTINGS'] }));
    return answer.clusters?.[0];
  };

  it.each(['enabled', 'enhanced', 'disabled'])(
    'stores containerInsights %s and DescribeClusters returns it',
    async (value) => {
      await berth.ecs.send(new CreateClusterCommand({ clusterName: `insights-${value}` }));
      const updated = await berth.ecs.send(
        new UpdateClusterCommand({ cluster: `insights-${value}`, settings: [{ name: 'containerInsights', value }] }),
      );
      expect(updated.cluster?.settings).toEqual([{ name: 'containerInsights', value }]);
      expect((await describeOne(`insights-${value}`))?.settings).toEqual([{ name: 'containerInsights', value }]);
    },
  );

  it('UpdateClusterSettings changes the setting', async () => {
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'settings-only' }));
    const answer = await berth.ecs.send(
      new UpdateClusterSettingsCommand({
        cluster: 'settings-only',
        settings: [{ name: 'containerInsights', value: 'enhanced' }],
      }),
    );
    expect(answer.cluster?.clusterName).toBe('settings-only');
    expect((await describeOne('settings-only'))?.settings).toEqual([{ name: 'containerInsights', value: 'enhanced' }]);
  });

  it('stores the executeCommandConfiguration and keeps the settings', async () => {
    await berth.ecs.send(
      new CreateClusterCommand({
        clusterName: 'exec-config',
        settings: [{ name: 'containerInsights', value: 'enabled' }],
      }),
    );
    const configuration = {
      executeCommandConfiguration: {
        kmsKeyId: 'alias/exec',
        logging: 'OVERRIDE' as const,
        logConfiguration: { cloudWatchLogGroupName: '/exec', cloudWatchEncryptionEnabled: true },
      },
    };
    const updated = await berth.ecs.send(new UpdateClusterCommand({ cluster: 'exec-config', configuration }));
    expect(updated.cluster?.configuration).toEqual(configuration);
    const described = await describeOne('exec-config');
    expect(described?.configuration).toEqual(configuration);
    expect(described?.settings).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
  });

  it('refuses serviceConnectDefaults with NamespaceNotFoundException and changes nothing', async () => {
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'no-connect' }));
    const writes = berth.ctx.store.stats.writes;
    await expect(
      berth.ecs.send(
        new UpdateClusterCommand({
          cluster: 'no-connect',
          settings: [{ name: 'containerInsights', value: 'enabled' }],
          serviceConnectDefaults: { namespace: 'local' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NamespaceNotFoundException', message: /serviceConnectDefaults/ });
    expect(berth.ctx.store.stats.writes).toBe(writes);
    expect((await describeOne('no-connect'))?.settings).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
  });

  it.each([
    ['an unknown cluster', { cluster: 'nowhere' }, 'ClusterNotFoundException', /Cluster not found/],
    [
      'an unknown setting value',
      { cluster: 'no-connect', settings: [{ name: 'containerInsights', value: 'loud' }] },
      'InvalidParameterException',
      /settings\.0\.value/,
    ],
    [
      'an unknown setting name',
      { cluster: 'no-connect', settings: [{ name: 'fastMode', value: 'enabled' }] },
      'InvalidParameterException',
      /settings\.0\.name/,
    ],
    [
      'an unknown logging mode',
      { cluster: 'no-connect', configuration: { executeCommandConfiguration: { logging: 'LOUD' } } },
      'InvalidParameterException',
      /configuration\.executeCommandConfiguration\.logging/,
    ],
  ])('answers %s with an ECS error and writes nothing', async (_what, input, name, message) => {
    const writes = berth.ctx.store.stats.writes;
    await expect(berth.ecs.send(new UpdateClusterCommand(input as never))).rejects.toMatchObject({ name, message });
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });

  it('UpdateClusterSettings requires a setting', async () => {
    await expect(
      berth.ecs.send(new UpdateClusterSettingsCommand({ cluster: 'no-connect', settings: [] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: /settings/ });
  });

  it('keeps a deleted cluster describable as INACTIVE, unlisted, and revives it on CreateCluster', async () => {
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'phoenix' }));
    await berth.ecs.send(new DeleteClusterCommand({ cluster: 'phoenix' }));
    const described = await berth.ecs.send(new DescribeClustersCommand({ clusters: ['phoenix'] }));
    expect(described.clusters?.map((c) => [c.clusterName, c.status])).toEqual([['phoenix', 'INACTIVE']]);
    expect(described.failures).toEqual([]);
    const listed = await berth.ecs.send(new ListClustersCommand({}));
    expect(listed.clusterArns?.some((a) => a.endsWith(':cluster/phoenix'))).toBe(false);
    await expect(
      berth.ecs.send(
        new UpdateClusterCommand({ cluster: 'phoenix', settings: [{ name: 'containerInsights', value: 'enabled' }] }),
      ),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException' });

    const revived = await berth.ecs.send(new CreateClusterCommand({ clusterName: 'phoenix' }));
    expect(revived.cluster?.status).toBe('ACTIVE');
    const relisted = await berth.ecs.send(new ListClustersCommand({}));
    expect(relisted.clusterArns?.some((a) => a.endsWith(':cluster/phoenix'))).toBe(true);
  });
});
