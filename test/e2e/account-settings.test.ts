import {
  CreateClusterCommand,
  DeleteAccountSettingCommand,
  DescribeClustersCommand,
  ListAccountSettingsCommand,
  PutAccountSettingCommand,
  PutAccountSettingDefaultCommand,
  type SettingName,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerth, type TestBerth } from '../support/berth.ts';

/** Account settings through the unmodified SDK: a Berth principal is the signing access key's ARN. */
describe('account settings', () => {
  let berth: TestBerth;
  let me: string;

  beforeAll(async () => {
    berth = await startBerth();
    me = `arn:aws:berth:us-east-1:${berth.ctx.deployment.accountId}:access-key/${berth.credentials.accessKeyId}`;
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const rootArn = () => `arn:aws:iam::${berth.ctx.deployment.accountId}:root`;

  it('PutAccountSetting sets it for the calling key and ListAccountSettings lists it', async () => {
    const put = await berth.ecs.send(new PutAccountSettingCommand({ name: 'tagResourceAuthorization', value: 'off' }));
    expect(put.setting).toEqual({ name: 'tagResourceAuthorization', value: 'off', principalArn: me, type: 'user' });
    const listed = await berth.ecs.send(new ListAccountSettingsCommand({}));
    expect(listed.settings).toEqual([put.setting]);
  });

  it('answers effectiveSettings: own, then the account default, then AWS default, with pagination', async () => {
    const dflt = await berth.ecs.send(
      new PutAccountSettingDefaultCommand({ name: 'containerInsights', value: 'enhanced' }),
    );
    expect(dflt.setting).toMatchObject({ name: 'containerInsights', value: 'enhanced', principalArn: rootArn() });
    const seen: Record<string, { value?: string; principalArn?: string; type?: string }> = {};
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await berth.ecs.send(
        new ListAccountSettingsCommand({ effectiveSettings: true, maxResults: 4, nextToken }),
      );
      for (const s of page.settings ?? []) seen[s.name ?? ''] = s;
      nextToken = page.nextToken;
      pages++;
    } while (nextToken !== undefined);
    expect(pages).toBe(3);
    expect(Object.keys(seen)).toHaveLength(11);
    expect(seen.tagResourceAuthorization).toMatchObject({ value: 'off', principalArn: me, type: 'user' });
    expect(seen.containerInsights).toMatchObject({ value: 'enhanced', principalArn: rootArn(), type: 'user' });
    expect(seen.awsvpcTrunking).toMatchObject({ value: 'disabled', type: 'aws_managed' });
  });

  it('filters by name and value', async () => {
    const byName = await berth.ecs.send(
      new ListAccountSettingsCommand({ name: 'containerInsights', effectiveSettings: true }),
    );
    expect(byName.settings?.map((s) => s.value)).toEqual(['enhanced']);
    const byValue = await berth.ecs.send(new ListAccountSettingsCommand({ value: 'off', effectiveSettings: true }));
    expect(byValue.settings?.map((s) => s.name).sort()).toEqual(['guardDutyActivate', 'tagResourceAuthorization']);
  });

  it('gives a new cluster the account default for containerInsights', async () => {
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'insightful' }));
    const described = await berth.ecs.send(
      new DescribeClustersCommand({ clusters: ['insightful'], include: ['SETTINGS'] }),
    );
    expect(described.clusters?.[0]?.settings).toEqual([{ name: 'containerInsights', value: 'enhanced' }]);
  });

  it('DeleteAccountSetting removes the key setting, and the default applies again', async () => {
    const deleted = await berth.ecs.send(new DeleteAccountSettingCommand({ name: 'tagResourceAuthorization' }));
    expect(deleted.setting).toMatchObject({ name: 'tagResourceAuthorization', value: 'off', principalArn: me });
    const effective = await berth.ecs.send(
      new ListAccountSettingsCommand({ name: 'tagResourceAuthorization', effectiveSettings: true }),
    );
    expect(effective.settings).toEqual([
      { name: 'tagResourceAuthorization', value: 'on', principalArn: rootArn(), type: 'aws_managed' },
    ]);
  });

  it.each([
    [
      'an unknown setting name',
      () => new PutAccountSettingCommand({ name: 'fastMode' as SettingName, value: 'on' }),
      /name/,
    ],
    [
      'a value the setting does not take',
      () => new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'on' }),
      /value: awsvpcTrunking must be one of enabled, disabled/,
    ],
    [
      "a principal that is not Berth's",
      () =>
        new PutAccountSettingCommand({
          name: 'awsvpcTrunking',
          value: 'enabled',
          principalArn: 'arn:aws:iam::123456789012:user/alice',
        }),
      /principalArn/,
    ],
    [
      'a default value the setting does not take',
      () => new PutAccountSettingDefaultCommand({ name: 'containerInsights', value: 'loud' }),
      /value/,
    ],
    [
      'deleting a setting never set',
      () => new DeleteAccountSettingCommand({ name: 'fargateEventWindows' }),
      /fargateEventWindows/,
    ],
    ['maxResults above 10', () => new ListAccountSettingsCommand({ maxResults: 11 }), /maxResults/],
  ])('answers %s with InvalidParameterException and writes nothing', async (_what, command, message) => {
    const writes = berth.ctx.store.stats.writes;
    await expect(berth.ecs.send(command() as never)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message,
    });
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });
});
