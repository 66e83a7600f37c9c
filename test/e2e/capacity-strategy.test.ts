import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from '../support/failure-of.ts';
import { registerInstance, startBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';

/**
 * capacityProviderStrategy on RunTask, CreateService and UpdateService, and
 * the cluster's default, through the unmodified ECS SDK: ECS's split (base,
 * then weight), tasks held to their provider's instances, tasks waiting
 * PROVISIONING for capacity, and ECS's refusals with nothing written.
 */
describe('capacity provider strategies', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  let ecs: ECSClient;
  const template = 'arn:aws:ec2:us-east-1:000000000000:launch-template/lt-0123';

  beforeAll(async () => {
    berth = await startBerth();
    ecs = berth.ecs;
    for (const name of ['alpha', 'beta']) {
      await ecs.send(
        new CreateCapacityProviderCommand({ name, autoScalingGroupProvider: { autoScalingGroupArn: template } }),
      );
    }
    for (const cluster of ['split', 'plain']) await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'split',
        capacityProviders: ['alpha', 'beta'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'beta', weight: 1 }],
      }),
    );
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'cp-small',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, cpu: 16, essential: true }],
      }),
    );
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function tasksOf(cluster: string) {
    const listed = await ecs.send(new ListTasksCommand({ cluster }));
    if ((listed.taskArns ?? []).length === 0) return [];
    return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }))).tasks ?? [];
  }

  const providersOf = (tasks: readonly { capacityProviderName?: string | undefined }[]) =>
    tasks.reduce<Record<string, number>>((acc, t) => {
      const name = t.capacityProviderName ?? '-';
      return { ...acc, [name]: (acc[name] ?? 0) + 1 };
    }, {});

  it('refuses a launch type with a strategy, an unknown provider and a zero-weight strategy, writing nothing', async () => {
    const both = await failureOf(() =>
      ecs.send(
        new RunTaskCommand({
          cluster: 'split',
          taskDefinition: 'cp-small',
          launchType: 'EC2',
          capacityProviderStrategy: [{ capacityProvider: 'alpha', weight: 1 }],
        }),
      ),
    );
    expect(both).toMatchObject({
      name: 'InvalidParameterException',
      message:
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    });
    const unknown = await failureOf(() =>
      ecs.send(
        new RunTaskCommand({
          cluster: 'split',
          taskDefinition: 'cp-small',
          capacityProviderStrategy: [{ capacityProvider: 'gamma', weight: 1 }],
        }),
      ),
    );
    expect(unknown.name).toBe('InvalidParameterException');
    expect(unknown.message).toContain('capacityProviderStrategy');
    expect(unknown.message).toContain('gamma');
    const weightless = await failureOf(() =>
      ecs.send(
        new CreateServiceCommand({
          cluster: 'split',
          serviceName: 'weightless',
          taskDefinition: 'cp-small',
          capacityProviderStrategy: [{ capacityProvider: 'alpha', base: 1, weight: 0 }],
        }),
      ),
    );
    expect(weightless.name).toBe('InvalidParameterException');
    expect(await tasksOf('split')).toEqual([]);
    const services = await ecs.send(new DescribeServicesCommand({ cluster: 'split', services: ['weightless'] }));
    expect(services.services).toEqual([]);
  });

  it('splits RunTask base first, then by weight, and holds the tasks PROVISIONING until their provider has capacity', async () => {
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'split',
        taskDefinition: 'cp-small',
        count: 6,
        capacityProviderStrategy: [
          { capacityProvider: 'alpha', base: 2, weight: 1 },
          { capacityProvider: 'beta', weight: 3 },
        ],
      }),
    );
    expect(run.failures).toEqual([]);
    expect(providersOf(run.tasks ?? [])).toEqual({ alpha: 3, beta: 3 });
    expect(run.tasks?.every((t) => t.lastStatus === 'PROVISIONING')).toBe(true);

    // An instance of alpha takes alpha's tasks, and only those.
    const instance = await registerInstance(
      berth,
      'split',
      { cpu: 4096, memory: 4096 },
      { attributes: [{ name: 'berth.capacity-provider', value: 'alpha' }] },
    );
    const placed = await waitFor(async () => {
      const tasks = await tasksOf('split');
      const bound = tasks.filter((t) => t.containerInstanceArn !== undefined);
      return bound.length === 3 ? tasks : undefined;
    });
    const bound = placed.filter((t) => t.containerInstanceArn !== undefined);
    expect(bound.every((t) => t.capacityProviderName === 'alpha')).toBe(true);
    expect(bound.every((t) => t.containerInstanceArn === instance.containerInstanceArn)).toBe(true);
    expect(placed.filter((t) => t.capacityProviderName === 'beta').every((t) => t.lastStatus === 'PROVISIONING')).toBe(
      true,
    );
  });

  it('uses the cluster default strategy when neither a strategy nor a launch type is given', async () => {
    const run = await ecs.send(new RunTaskCommand({ cluster: 'split', taskDefinition: 'cp-small' }));
    expect(run.tasks?.[0]?.capacityProviderName).toBe('beta');
    // A launch type skips the default strategy: the task goes to any instance that fits.
    const onLaunchType = await ecs.send(
      new RunTaskCommand({ cluster: 'split', taskDefinition: 'cp-small', launchType: 'EC2' }),
    );
    expect(onLaunchType.tasks?.[0]?.capacityProviderName).toBeUndefined();
    expect(onLaunchType.tasks?.[0]?.lastStatus).toBe('PENDING');
  });

  it('gives a service strategy to its tasks, shows it instead of a launch type, and lets UpdateService change it', async () => {
    const created = await ecs.send(
      new CreateServiceCommand({
        cluster: 'split',
        serviceName: 'web',
        taskDefinition: 'cp-small',
        desiredCount: 5,
        capacityProviderStrategy: [
          { capacityProvider: 'alpha', base: 1, weight: 1 },
          { capacityProvider: 'beta', weight: 1 },
        ],
      }),
    );
    expect(created.service?.launchType).toBeUndefined();
    expect(created.service?.capacityProviderStrategy).toEqual([
      { capacityProvider: 'alpha', base: 1, weight: 1 },
      { capacityProvider: 'beta', weight: 1, base: 0 },
    ]);
    const tasks = await waitFor(async () => {
      const all = (await tasksOf('split')).filter((t) => t.group === 'service:web');
      return all.length === 5 ? all : undefined;
    });
    // Base 1 on alpha, the other four shared 1:1.
    expect(providersOf(tasks)).toEqual({ alpha: 3, beta: 2 });

    const refused = await failureOf(() =>
      ecs.send(
        new UpdateServiceCommand({
          cluster: 'split',
          service: 'web',
          capacityProviderStrategy: [{ capacityProvider: 'gamma', weight: 1 }],
        }),
      ),
    );
    expect(refused.name).toBe('InvalidParameterException');
    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: 'split',
        service: 'web',
        capacityProviderStrategy: [{ capacityProvider: 'beta', weight: 1 }],
      }),
    );
    // The base left out reads 0, as ECS answers it.
    expect(updated.service?.capacityProviderStrategy).toEqual([{ capacityProvider: 'beta', weight: 1, base: 0 }]);
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'split', services: ['web'] }));
    expect(described.services?.[0]?.capacityProviderStrategy).toEqual([
      { capacityProvider: 'beta', weight: 1, base: 0 },
    ]);
  });

  it('refuses to drop a provider from the cluster while a service uses it', async () => {
    const dropped = await failureOf(() =>
      ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'split',
          capacityProviders: ['alpha'],
          defaultCapacityProviderStrategy: [],
        }),
      ),
    );
    expect(dropped).toEqual({
      name: 'ResourceInUseException',
      message: 'The specified capacity provider is in use and cannot be removed.',
    });
  });

  it('leaves a cluster without providers as it was: no strategy, tasks on any instance', async () => {
    await registerInstance(berth, 'plain', { cpu: 1024, memory: 1024 });
    const run = await ecs.send(new RunTaskCommand({ cluster: 'plain', taskDefinition: 'cp-small' }));
    expect(run.tasks?.[0]?.capacityProviderName).toBeUndefined();
    expect(run.tasks?.[0]?.lastStatus).toBe('PENDING');
  });
});
