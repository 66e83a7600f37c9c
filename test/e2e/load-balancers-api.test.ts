import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  InvalidParameterException,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerth } from '../support/berth.ts';

const tg = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/73e2d6bc24d8a067`;

/** CreateService/UpdateService `loadBalancers` through the ECS SDK: checked at the call, echoed as ECS does. */
describe('service load balancers (API)', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'lb' }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          { name: 'web', image: 'busybox', memory: 64, portMappings: [{ containerPort: 80 }, { containerPort: 8080 }] },
          { name: 'log', image: 'busybox', memory: 32 },
        ],
      }),
    );
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'busybox', memory: 64, portMappings: [{ containerPort: 9000 }] }],
      }),
    );
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it.each([
    [
      'a container not in the task definition',
      [{ targetGroupArn: tg('a'), containerName: 'db', containerPort: 80 }],
      'The container db does not exist in the task definition.',
    ],
    [
      'a port the container does not map',
      [{ targetGroupArn: tg('a'), containerName: 'log', containerPort: 80 }],
      'The container log did not have a container port 80 defined.',
    ],
    [
      'the same target group twice',
      [
        { targetGroupArn: tg('a'), containerName: 'web', containerPort: 80 },
        { targetGroupArn: tg('a'), containerName: 'web', containerPort: 8080 },
      ],
      `Target group ${tg('a')} is given twice.`,
    ],
    [
      'a Classic Load Balancer',
      [{ loadBalancerName: 'classic', containerName: 'web', containerPort: 80 }],
      'loadBalancerName is not supported by Berth: use targetGroupArn.',
    ],
  ])('refuses %s at CreateService and writes nothing', async (_what, loadBalancers, message) => {
    const call = berth.ecs.send(
      new CreateServiceCommand({
        cluster: 'lb',
        serviceName: 'bad',
        taskDefinition: 'web:1',
        desiredCount: 1,
        loadBalancers,
      }),
    );
    await expect(call).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(call).rejects.toThrow(message);
    const described = await berth.ecs.send(new DescribeServicesCommand({ cluster: 'lb', services: ['bad'] }));
    expect(described.services).toEqual([]);
    expect(described.failures?.[0]?.reason).toBe('MISSING');
  });

  it('echoes several target groups in DescribeServices and in the deployment’s revision', async () => {
    const loadBalancers = [
      { targetGroupArn: tg('front'), containerName: 'web', containerPort: 80 },
      { targetGroupArn: tg('admin'), containerName: 'web', containerPort: 8080 },
    ];
    const created = await berth.ecs.send(
      new CreateServiceCommand({
        cluster: 'lb',
        serviceName: 'web',
        taskDefinition: 'web:1',
        desiredCount: 0,
        loadBalancers,
      }),
    );
    expect(created.service?.loadBalancers).toEqual(loadBalancers);
    const described = await berth.ecs.send(new DescribeServicesCommand({ cluster: 'lb', services: ['web'] }));
    expect(described.services?.[0]?.loadBalancers).toEqual(loadBalancers);
    const revisions = await revisionsOf('web');
    expect(revisions.map((r) => r.loadBalancers)).toEqual([loadBalancers]);
  });

  it('refuses an UpdateService whose new task definition lacks the port, and starts a deployment when they change', async () => {
    const call = berth.ecs.send(new UpdateServiceCommand({ cluster: 'lb', service: 'web', taskDefinition: 'web:2' }));
    await expect(call).rejects.toThrow('The container web did not have a container port 80 defined.');
    const unchanged = await berth.ecs.send(new DescribeServicesCommand({ cluster: 'lb', services: ['web'] }));
    expect(unchanged.services?.[0]?.taskDefinition).toMatch(/web:1$/);
    expect(unchanged.services?.[0]?.deployments).toHaveLength(1);

    const moved = [{ targetGroupArn: tg('front'), containerName: 'web', containerPort: 9000 }];
    const updated = await berth.ecs.send(
      new UpdateServiceCommand({ cluster: 'lb', service: 'web', taskDefinition: 'web:2', loadBalancers: moved }),
    );
    expect(updated.service?.loadBalancers).toEqual(moved);
    const only = await berth.ecs.send(new UpdateServiceCommand({ cluster: 'lb', service: 'web', loadBalancers: [] }));
    expect(only.service?.loadBalancers).toEqual([]);
    // A change of load balancers alone starts a new deployment, as in ECS.
    expect(only.service?.deployments?.[0]?.status).toBe('PRIMARY');
    expect(only.service?.deployments?.[0]?.id).not.toBe(updated.service?.deployments?.[0]?.id);
  });

  async function revisionsOf(service: string) {
    const listed = await berth.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'lb', service }));
    const arns = (listed.serviceDeployments ?? []).map((d) => d.serviceDeploymentArn!);
    const described = await berth.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }));
    const revisionArns = (described.serviceDeployments ?? []).map((d) => d.targetServiceRevision!.arn!);
    const revisions = await berth.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisionArns }));
    return revisions.serviceRevisions ?? [];
  }
});
