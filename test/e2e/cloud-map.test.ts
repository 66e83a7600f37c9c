import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthWithCluster } from '../support/berth.ts';
import { cloudMapFixture, cloudMapGate } from '../support/cloud-map.ts';
import { startHollowFleet, type HollowFleet } from '../support/hollow-fleet.ts';
import { theTaskScaledIn } from '../support/scale-in.ts';
import { serviceEventMatching } from '../support/service-events.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'discovery';
const hostAddress = (i: number) => `10.20.0.${i + 1}`;

/**
 * A service's tasks as AWS Cloud Map instances (moto server), through dev
 * mode with hollow agents: checked at CreateService, registered once
 * RUNNING, deregistered before their agent is told to stop them.
 */
describe('service discovery (AWS Cloud Map)', () => {
  let berth: Awaited<ReturnType<typeof startBerthWithCluster>>;
  let fleet: HollowFleet;
  let cloudMap: Awaited<ReturnType<typeof cloudMapFixture>>;
  let registry: string;
  let gate: Awaited<ReturnType<typeof cloudMapGate>>;

  beforeAll(async () => {
    cloudMap = await cloudMapFixture('berth.test');
    registry = await cloudMap.service('web');
    gate = await cloudMapGate(cloudMap.config.endpoint);
    berth = await startBerthWithCluster(CLUSTER, {
      AWS_ENDPOINT_URL_SERVICEDISCOVERY: gate.endpoint,
      AWS_ACCESS_KEY_ID: cloudMap.config.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: cloudMap.config.credentials.secretAccessKey,
      BERTH_MONITOR_INTERVAL_SECONDS: '1',
    });
    fleet = await startHollowFleet({
      endpoint: berth.endpoint,
      cluster: CLUSTER,
      count: 2,
      registrationToken: await berth.registrationToken(CLUSTER, { uses: 2 }),
      resources: { cpu: 1024, memory: 1024 },
      pollIntervalMs: 200,
      longPollSeconds: 5,
      attributes: (i) => [{ name: 'berth.host.address', value: hostAddress(i) }],
    });
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          { name: 'web', image: 'busybox', memory: 64, portMappings: [{ containerPort: 80, hostPort: 0 }] },
          { name: 'log', image: 'busybox', memory: 32 },
        ],
      }),
    );
  });
  afterAll(async () => {
    await fleet?.stop();
    await berth?.stop();
    cloudMap?.destroy();
    await gate?.close();
  });

  async function tasksOf(desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<Task[]> {
    const listed = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web', desiredStatus }));
    if ((listed.taskArns ?? []).length === 0) return [];
    const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }));
    return described.tasks ?? [];
  }

  const taskId = (task: Task) => task.taskArn!.split('/').pop()!;

  it.each([
    [
      'two registries',
      [
        { registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-a' },
        { registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-b' },
      ],
      'serviceRegistries can have at most one entry.',
    ],
    [
      'port with containerName and containerPort',
      [{ registryArn: 'arn:r/srv-a', port: 80, containerName: 'web', containerPort: 80 }],
      "Specify a value for either 'port' or the 'containerName' and 'containerPort' combination, but not both.",
    ],
    [
      'port in bridge network mode',
      [{ registryArn: 'arn:r/srv-a', port: 80 }],
      "A task definition in bridge or host network mode takes 'containerName' and 'containerPort'",
    ],
    [
      'a container not in the task definition',
      [{ registryArn: 'arn:r/srv-a', containerName: 'db', containerPort: 80 }],
      'The container db does not exist in the task definition.',
    ],
    [
      'a port the container does not map',
      [{ registryArn: 'arn:r/srv-a', containerName: 'log', containerPort: 80 }],
      'The container log did not have a container port 80 defined.',
    ],
    [
      'containerName without containerPort',
      [{ registryArn: 'arn:r/srv-a', containerName: 'web' }],
      "serviceRegistries needs both 'containerName' and 'containerPort', or neither.",
    ],
  ])('refuses %s at CreateService and writes nothing', async (_what, serviceRegistries, message) => {
    const call = berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'bad',
        taskDefinition: 'web',
        desiredCount: 1,
        serviceRegistries,
      }),
    );
    await expect(call).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(call).rejects.toThrow(message);
    const described = await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['bad'] }));
    expect(described.services).toEqual([]);
  });

  it('registers each RUNNING task with its host address and host port, and echoes the registry', async () => {
    const serviceRegistries = [{ registryArn: registry, containerName: 'web', containerPort: 80 }];
    const created = await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        serviceRegistries,
      }),
    );
    expect(created.service?.serviceRegistries).toEqual(serviceRegistries);
    const running = await waitFor(
      async () => {
        const tasks = await tasksOf();
        return tasks.length === 2 && tasks.every((t) => t.lastStatus === 'RUNNING') ? tasks : undefined;
      },
      { what: 'two RUNNING tasks', timeoutMs: 30_000 },
    );
    const instances = await waitFor(
      async () => {
        const held = await cloudMap.instances(registry);
        return running.every((t) => held.has(taskId(t))) ? held : undefined;
      },
      { what: 'both tasks registered', timeoutMs: 30_000 },
    );
    for (const task of running) {
      const index = fleet.instances.find((i) => i.containerInstanceArn === task.containerInstanceArn)!.index;
      expect(instances.get(taskId(task))).toMatchObject({
        AWS_INSTANCE_IPV4: hostAddress(index),
        AWS_INSTANCE_PORT: String(task.containers![0]!.networkBindings![0]!.hostPort),
        ECS_CLUSTER_NAME: CLUSTER,
        ECS_SERVICE_NAME: 'web',
      });
    }
    const described = await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }));
    expect(described.services?.[0]?.serviceRegistries).toEqual(serviceRegistries);
  });

  it('holds a stopping task on its host until it is deregistered', async () => {
    const before = await tasksOf();
    gate.hold('DeregisterInstance');
    const attempted = gate.attempts('DeregisterInstance');
    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', desiredCount: 1 }));
    const leaving = await theTaskScaledIn(before, tasksOf);
    const id = taskId(leaving);
    // Several passes tried to deregister it and could not: its agent must still be running it.
    await waitFor(async () => (gate.attempts('DeregisterInstance') >= attempted + 6 ? true : undefined), {
      what: 'repeated deregistration attempts',
      timeoutMs: 30_000,
    });
    const held = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [leaving.taskArn!] }));
    expect(['RUNNING', 'DEACTIVATING']).toContain(held.tasks?.[0]?.lastStatus);
    expect(fleet.instances.some((i) => i.running.has(id))).toBe(true);
    expect((await cloudMap.instances(registry)).has(id)).toBe(true);
    gate.release('DeregisterInstance');
    await waitFor(
      async () => {
        const [task] = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [leaving.taskArn!] })))
          .tasks!;
        return task?.lastStatus === 'STOPPED' ? true : undefined;
      },
      { what: 'the deregistered task stopped', timeoutMs: 30_000 },
    );
    const remaining = (await tasksOf()).map(taskId).sort();
    expect([...(await cloudMap.instances(registry)).keys()].sort()).toEqual(remaining);
  });

  it('names a registry that does not exist in a service event', async () => {
    const missing = registry.replace(/srv-[^/]+$/, 'srv-0000000000000000');
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'lost',
        taskDefinition: 'web',
        desiredCount: 1,
        serviceRegistries: [{ registryArn: missing, containerName: 'web', containerPort: 80 }],
      }),
    );
    const [event] = await serviceEventMatching(
      berth.ecs,
      { cluster: CLUSTER, service: 'lost' },
      `service registry ${missing} cannot be used`,
    );
    expect(event?.message).toContain(missing);
  });
});
