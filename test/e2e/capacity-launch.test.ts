import {
  CreateLaunchTemplateCommand,
  DeleteLaunchTemplateCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
  PutClusterCapacityProvidersCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll } from '#shared/control/listing.ts';
import { registrationTokens } from '#shared/security/collections.ts';
import type { TestBerth } from '../support/berth.ts';
import { startBerthWithEc2 } from '../support/ec2-berth.ts';
import { startHollowFleet, type HollowFleet } from '../support/hollow-fleet.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Hosts a capacity provider launches join their cluster by themselves: the
 * monitor's RunInstances carries user data that installs the agent for
 * that cluster with a registration token good for the instances launched
 * and no more. Against moto server's EC2, with hollow agents presenting
 * the token read back from the instance's user data.
 */
describe('hosts launched by a capacity provider', () => {
  let berth: TestBerth;
  let ec2: EC2Client;
  let templateArn: string;
  const fleets: HollowFleet[] = [];
  const release = 'https://releases.example.com/berth-agent.tar.gz';

  beforeAll(async () => {
    ({ berth, ec2, templateArn } = await startBerthWithEc2({ BERTH_AGENT_RELEASE_URL: release }));
  });
  afterAll(async () => {
    for (const fleet of fleets) await fleet.stop();
    await berth?.stop();
    ec2?.destroy();
  });

  /** A provider of `min` instances used by a cluster of the same name. */
  async function providerFor(
    name: string,
    min: number,
    tags: { key: string; value: string }[] = [],
    template = templateArn,
  ) {
    await createProvider(name, min, tags, template);
    await useProvider(name);
  }

  /** A provider no cluster uses yet, so nothing launches for it. */
  async function createProvider(
    name: string,
    min: number,
    tags: { key: string; value: string }[] = [],
    template = templateArn,
  ) {
    await berth.ecs.send(
      new CreateCapacityProviderCommand({
        name,
        autoScalingGroupProvider: {
          autoScalingGroupArn: template,
          managedScaling: { status: 'ENABLED', targetCapacity: 100, instanceWarmupPeriod: 300 },
        },
        tags: [{ key: 'berth:min-instances', value: String(min) }, ...tags],
      }),
    );
  }

  /** A cluster named after the provider, using it by default. */
  async function useProvider(name: string) {
    await berth.ecs.send(new CreateClusterCommand({ clusterName: name }));
    await berth.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: name,
        capacityProviders: [name],
        defaultCapacityProviderStrategy: [],
      }),
    );
  }

  async function launchedBy(provider: string, count: number): Promise<string[]> {
    return waitFor(async () => {
      const answer = await ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: 'tag:berth:capacity-provider', Values: [provider] }] }),
      );
      const ids = (answer.Reservations ?? []).flatMap((r) => r.Instances ?? []).flatMap((i) => i.InstanceId ?? []);
      return ids.length === count ? ids : undefined;
    });
  }

  async function userData(instanceId: string): Promise<string> {
    const answer = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }),
    );
    return Buffer.from(answer.UserData?.Value ?? '', 'base64').toString('utf8');
  }

  function join(cluster: string, token: string, ec2InstanceIds: string[]): Promise<HollowFleet> {
    return startHollowFleet({
      endpoint: berth.endpoint,
      cluster,
      count: ec2InstanceIds.length,
      registrationToken: token,
      resources: { cpu: 1024, memory: 1024 },
      ec2InstanceId: (i) => ec2InstanceIds[i],
      pollIntervalMs: 200,
    });
  }

  it('launch with user data that installs the agent for the cluster, and its token registers them', async () => {
    await providerFor('joining', 2);
    const ids = await launchedBy('joining', 2);
    const scripts = await Promise.all(ids.map(userData));
    // One launch, one script: both instances carry the same token.
    expect(scripts[1]).toBe(scripts[0]);
    const script = scripts[0] ?? '';
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain("CLUSTER='joining'");
    expect(script).toContain(`ENDPOINT='${berth.endpoint}'`);
    expect(script).toContain(`AGENT_RELEASE_URL='${release}'`);
    expect(script).toContain("TOKEN_SOURCE='inline'");
    const token = /^TOKEN_NAME='(brt1_[^']+)'$/m.exec(script)?.[1];
    expect(token).toBeDefined();

    fleets.push(await join('joining', token ?? '', ids));
    const registered = await waitFor(async () => {
      const listed = await berth.ecs.send(new ListContainerInstancesCommand({ cluster: 'joining' }));
      if ((listed.containerInstanceArns ?? []).length !== 2) return undefined;
      const described = await berth.ecs.send(
        new DescribeContainerInstancesCommand({ cluster: 'joining', containerInstances: listed.containerInstanceArns }),
      );
      const instances = described.containerInstances ?? [];
      // The monitor recognises its launches and marks them as the provider's.
      const tagged = instances.every((i) =>
        (i.attributes ?? []).some((a) => a.name === 'berth.capacity-provider' && a.value === 'joining'),
      );
      return tagged ? instances : undefined;
    });
    expect(registered.map((i) => i.ec2InstanceId).sort()).toEqual([...ids].sort());

    // The token was good for the two instances launched: read back from EC2, it admits no third host.
    await expect(join('joining', token ?? '', ['i-0123456789abcdef0'])).rejects.toThrow(/used already/);
  });

  it("a token from one cluster's launch registers nothing in another cluster", async () => {
    await providerFor('other', 1);
    const [id] = await launchedBy('other', 1);
    const token = /^TOKEN_NAME='(brt1_[^']+)'$/m.exec(await userData(id ?? ''))?.[1] ?? '';
    await expect(join('joining', token, [id ?? ''])).rejects.toThrow(/is for cluster other, not joining/);
  });

  it("keep the launch template's own user data for a provider tagged berth:agent-user-data=false", async () => {
    await providerFor('templated', 1, [{ key: 'berth:agent-user-data', value: 'false' }]);
    const [id] = await launchedBy('templated', 1);
    expect(await userData(id ?? '')).toBe('');
  });

  it('a launch that fails leaves no registration token behind, and other providers still launch', async () => {
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `berth-deleted-${Date.now()}`,
        LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
      }),
    );
    const templateId = created.LaunchTemplate?.LaunchTemplateId ?? '';
    const deletedArn = `arn:aws:ec2:us-east-1:123456789012:launch-template/${templateId}`;
    // The provider is made while its template exists; the template goes before any cluster uses the provider,
    // so no monitor pass can launch from it and every launch fails.
    await createProvider('broken', 1, [], deletedArn);
    await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: templateId }));
    await useProvider('broken');
    // Clusters are swept in name order: once 'later' has launched, a pass has tried 'broken' before it.
    await providerFor('later', 1);
    await launchedBy('later', 1);
    const launches = await launchedBy('broken', 0);
    expect(launches).toEqual([]);

    const tokens = await readAll(berth.ctx.store, registrationTokens, registrationTokens.partition());
    expect(tokens.filter((t) => t.value.cluster === 'later')).toHaveLength(1);
    expect(tokens.filter((t) => t.value.cluster === 'broken')).toEqual([]);
  });
});
