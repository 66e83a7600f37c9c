import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type NetworkConfiguration,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startBerth } from '../support/berth.ts';
import { failureOf } from '../support/failure-of.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'vpcsvc';
const net = (subnets: string[], extra: object = {}): NetworkConfiguration => ({
  awsvpcConfiguration: { subnets, ...extra },
});

/** networkConfiguration on CreateService and UpdateService, through the ECS SDK (no containers run here). */
describe('awsvpc services', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    for (const [family, networkMode] of [
      ['vpc', 'awsvpc'],
      ['bridged', 'bridge'],
    ] as const) {
      await berth.ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          networkMode,
          containerDefinitions: [
            { name: 'a', image: 'busybox', memory: 32, portMappings: [{ containerPort: 8080, protocol: 'tcp' }] },
          ],
        }),
      );
    }
    await registerInstance(berth, CLUSTER, { cpu: 2048, memory: 2048 });
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const describeService = async (name: string) =>
    (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).services?.[0];

  const subnetsOfTasks = async (service: string, count: number) =>
    waitFor(
      async () => {
        const listed = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: service }));
        if ((listed.taskArns ?? []).length !== count) return undefined;
        const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }));
        return (described.tasks ?? []).map(
          (t) => t.attachments?.[0]?.details?.find((d) => d.name === 'subnetId')?.value,
        );
      },
      { what: `${count} tasks of ${service}` },
    );

  it('keeps the configuration on the service and its deployment, and launches the tasks with it', async () => {
    const created = await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: 'vpc',
        desiredCount: 2,
        networkConfiguration: net(['subnet-a', 'subnet-b'], { securityGroups: ['sg-1'] }),
      }),
    );
    // ECS answers assignPublicIp DISABLED when it was left out.
    const expected = {
      awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
    };
    expect(created.service?.networkConfiguration).toEqual(expected);
    expect(created.service?.deployments?.[0]?.networkConfiguration).toEqual(expected);
    expect((await describeService('web'))?.networkConfiguration).toEqual(expected);
    expect(await subnetsOfTasks('web', 2)).toEqual(['subnet-a', 'subnet-a']);

    const listed = await berth.ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web' }));
    const deployments = await berth.ecs.send(
      new DescribeServiceDeploymentsCommand({
        serviceDeploymentArns: (listed.serviceDeployments ?? []).map((d) => d.serviceDeploymentArn!),
      }),
    );
    const revisionArn = deployments.serviceDeployments?.[0]?.targetServiceRevision?.arn;
    const revisions = await berth.ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revisionArn!] }),
    );
    expect(revisions.serviceRevisions?.[0]?.networkConfiguration).toEqual(expected);
  });

  it('starts a new deployment when the configuration changes, and not when it is sent unchanged', async () => {
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'moving',
        taskDefinition: 'vpc',
        desiredCount: 1,
        networkConfiguration: net(['subnet-a']),
      }),
    );
    const same = await berth.ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: 'moving', networkConfiguration: net(['subnet-a']) }),
    );
    expect(same.service?.deployments).toHaveLength(1);
    const moved = await berth.ecs.send(
      new UpdateServiceCommand({
        cluster: CLUSTER,
        service: 'moving',
        networkConfiguration: net(['subnet-c'], { assignPublicIp: 'DISABLED' }),
      }),
    );
    const expected = { awsvpcConfiguration: { subnets: ['subnet-c'], assignPublicIp: 'DISABLED' } };
    expect(moved.service?.networkConfiguration).toEqual(expected);
    expect(
      moved.service?.deployments?.map((d) => [d.status, d.networkConfiguration?.awsvpcConfiguration?.subnets]),
    ).toEqual([
      ['PRIMARY', ['subnet-c']],
      ['ACTIVE', ['subnet-a']],
    ]);
    // A later update that leaves it out keeps it.
    const scaled = await berth.ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: 'moving', desiredCount: 2 }),
    );
    expect(scaled.service?.networkConfiguration).toEqual(expected);
  });

  it.each([
    [
      'a task definition that is not awsvpc',
      'bridged',
      net(['subnet-a']),
      'Network Configuration is not valid for the given networkMode of this task definition.',
    ],
    [
      'a public address',
      'vpc',
      net(['subnet-a'], { assignPublicIp: 'ENABLED' }),
      'Assign public IP is not supported for this launch type.',
    ],
    ['no subnets', 'vpc', net([]), 'subnets can not be empty.'],
  ])('refuses %s on CreateService and UpdateService, writing nothing', async (_, taskDefinition, config, message) => {
    const name = `refused-${taskDefinition}-${message.length}`;
    const create = await failureOf(() =>
      berth.ecs.send(
        new CreateServiceCommand({ cluster: CLUSTER, serviceName: name, taskDefinition, networkConfiguration: config }),
      ),
    );
    expect(create).toEqual({ name: 'InvalidParameterException', message });
    expect(await describeService(name)).toBeUndefined();

    await berth.ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: name, taskDefinition }));
    const before = await describeService(name);
    const update = await failureOf(() =>
      berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: name, networkConfiguration: config })),
    );
    expect(update).toEqual({ name: 'InvalidParameterException', message });
    const after = await describeService(name);
    expect(after?.networkConfiguration).toBeUndefined();
    expect(after?.deployments).toEqual(before?.deployments);
  });

  it('refuses a new task definition that does not suit the configuration the service keeps', async () => {
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'kept',
        taskDefinition: 'vpc',
        networkConfiguration: net(['subnet-a']),
      }),
    );
    const update = await failureOf(() =>
      berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'kept', taskDefinition: 'bridged' })),
    );
    expect(update).toEqual({
      name: 'InvalidParameterException',
      message: 'Network Configuration is not valid for the given networkMode of this task definition.',
    });
    expect((await describeService('kept'))?.taskDefinition).toMatch(/:task-definition\/vpc:1$/);
  });
});
