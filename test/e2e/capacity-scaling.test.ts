import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DescribeCapacityProvidersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { startBerthWithEc2 } from '../support/ec2-berth.ts';
import { startHollowFleet, type HollowFleet } from '../support/hollow-fleet.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Managed scaling end to end against moto server's EC2 with the unmodified
 * SDKs: tasks waiting on a provider make the monitor call RunInstances with
 * the provider's launch template, in one decision, within min and max;
 * hollow agents registering with the instance ids RunInstances answered
 * take the tasks; idle instances are drained, then terminated, never below
 * min and never while they run tasks.
 */
describe('capacity provider managed scaling', () => {
  let berth: TestBerth;
  let ec2: EC2Client;
  let templateArn: string;
  const fleets: HollowFleet[] = [];
  const joined = new Set<string>();

  beforeAll(async () => {
    ({ berth, ec2, templateArn } = await startBerthWithEc2());
    await berth.ecs.send(
      new CreateCapacityProviderCommand({
        name: 'elastic',
        autoScalingGroupProvider: {
          autoScalingGroupArn: templateArn,
          managedScaling: { status: 'ENABLED', targetCapacity: 100, instanceWarmupPeriod: 300 },
          managedTerminationProtection: 'ENABLED',
        },
        tags: [
          { key: 'berth:min-instances', value: '1' },
          { key: 'berth:max-instances', value: '2' },
          { key: 'berth:scale-in-after-seconds', value: '1' },
        ],
      }),
    );
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'elastic' }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'big',
        // One task fills most of a hollow instance's 1024 MiB: one task per instance.
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 600, cpu: 16, essential: true }],
      }),
    );
  });
  afterAll(async () => {
    for (const fleet of fleets) await fleet.stop();
    await berth?.stop();
    ec2?.destroy();
  });

  async function launched(): Promise<Instance[]> {
    const answer = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:berth:capacity-provider', Values: ['elastic'] }] }),
    );
    return (answer.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  }
  const running = (instances: Instance[]) => instances.filter((i) => i.State?.Name !== 'terminated');

  async function joinFleet(ids: string[]): Promise<void> {
    for (const id of ids) joined.add(id);
    fleets.push(
      await startHollowFleet({
        endpoint: berth.endpoint,
        cluster: 'elastic',
        count: ids.length,
        registrationToken: await berth.registrationToken('elastic', { uses: ids.length }),
        resources: { cpu: 1024, memory: 1024 },
        ec2InstanceId: (i) => ids[i],
        pollIntervalMs: 200,
      }),
    );
  }

  async function tasksOf(): Promise<{ taskArn?: string; lastStatus?: string; containerInstanceArn?: string }[]> {
    const listed = await berth.ecs.send(new ListTasksCommand({ cluster: 'elastic' }));
    if ((listed.taskArns ?? []).length === 0) return [];
    return (await berth.ecs.send(new DescribeTasksCommand({ cluster: 'elastic', tasks: listed.taskArns }))).tasks ?? [];
  }

  it('refuses a launch template that does not exist, writing nothing', async () => {
    const refused = await berth.ecs
      .send(
        new CreateCapacityProviderCommand({
          name: 'ghost',
          autoScalingGroupProvider: {
            autoScalingGroupArn: 'arn:aws:ec2:us-east-1:123456789012:launch-template/lt-0000000000000dead',
          },
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({ name: 'ClientException' });
    expect((refused as Error).message).toContain('lt-0000000000000dead');
    const described = await berth.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: ['ghost'] }));
    expect(described.failures).toEqual([expect.objectContaining({ reason: 'MISSING' })]);
  });

  it('launches the minimum from the launch template as soon as a cluster uses the provider', async () => {
    await berth.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'elastic',
        capacityProviders: ['elastic'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'elastic', weight: 1 }],
      }),
    );
    const first = await waitFor(async () => {
      const found = await launched();
      return found.length > 0 ? found : undefined;
    });
    expect(first).toHaveLength(1);
    await joinFleet(first.map((i) => i.InstanceId ?? ''));
    // The instance is Berth's: it carries its provider as an attribute.
    const described = await waitFor(async () => {
      const arns = (await berth.ecs.send(new ListContainerInstancesCommand({ cluster: 'elastic' })))
        .containerInstanceArns;
      const answer = await berth.ecs.send(
        new DescribeContainerInstancesCommand({ cluster: 'elastic', containerInstances: arns ?? [] }),
      );
      const instance = answer.containerInstances?.[0];
      return instance?.attributes?.some((a) => a.name === 'berth.capacity-provider' && a.value === 'elastic')
        ? instance
        : undefined;
    });
    expect(described.ec2InstanceId).toBe(first[0]?.InstanceId);
  });

  it('scales out for the waiting tasks in one decision, never past max, and the new instances take them', async () => {
    const run = await berth.ecs.send(new RunTaskCommand({ cluster: 'elastic', taskDefinition: 'big', count: 3 }));
    expect(run.failures).toEqual([]);
    // Two wait for capacity; max 2 allows one more instance.
    const grown = await waitFor(async () => {
      const found = running(await launched());
      return found.length === 2 ? found : undefined;
    });
    const newIds = grown.map((i) => i.InstanceId ?? '').filter((id) => id !== '' && !joined.has(id));
    expect(newIds).toHaveLength(1);
    await joinFleet(newIds);
    const tasks = await waitFor(async () => {
      const all = await tasksOf();
      return all.filter((t) => t.lastStatus === 'RUNNING').length === 2 ? all : undefined;
    });
    expect(tasks.filter((t) => t.lastStatus === 'PROVISIONING')).toHaveLength(1);
    // Still two instances: max holds while a task waits, and none with a task is terminated.
    expect(running(await launched())).toHaveLength(2);
  });

  it('drains the idle instances past the cool-down and terminates them, down to min', async () => {
    for (const task of await tasksOf()) {
      await berth.ecs.send(new StopTaskCommand({ cluster: 'elastic', task: task.taskArn ?? '' }));
    }
    const shrunk = await waitFor(
      async () => {
        const all = await launched();
        return all.filter((i) => i.State?.Name === 'terminated').length === 1 ? all : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(running(shrunk)).toHaveLength(1);
    const arns = (await berth.ecs.send(new ListContainerInstancesCommand({ cluster: 'elastic', status: 'ACTIVE' })))
      .containerInstanceArns;
    expect(arns).toHaveLength(1);
  });
});
