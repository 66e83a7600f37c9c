import {
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthWithCluster, type TestBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'tasksets-api';

/** The refusals of the EXTERNAL controller and task set calls, through the ECS SDK: ECS's errors, nothing written. */
describe('task set API refusals', () => {
  let berth: TestBerth;
  beforeAll(async () => {
    berth = await startBerthWithCluster(CLUSTER);
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'ts',
        containerDefinitions: [{ name: 'a', image: 'busybox', memory: 16 }],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'ext', deploymentController: { type: 'EXTERNAL' } }),
    );
    await berth.ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'ecs', taskDefinition: 'ts' }));
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const taskSets = async (service: string) =>
    (await berth.ecs.send(new DescribeTaskSetsCommand({ cluster: CLUSTER, service }))).taskSets ?? [];
  const missing = async (name: string) =>
    (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).failures;

  it.each([
    [
      'an EXTERNAL service with a task definition',
      { taskDefinition: 'ts', deploymentController: { type: 'EXTERNAL' as const } },
      /^TaskDefinition must be blank$/,
    ],
    [
      'the CODE_DEPLOY controller',
      { taskDefinition: 'ts', deploymentController: { type: 'CODE_DEPLOY' as const } },
      /CODE_DEPLOY is not supported/,
    ],
    ['an ECS service without a task definition', {}, /taskDefinition is required/],
    [
      'a DAEMON service with the EXTERNAL controller',
      { schedulingStrategy: 'DAEMON' as const, deploymentController: { type: 'EXTERNAL' as const } },
      /DAEMON/,
    ],
  ])('refuses %s with InvalidParameterException and writes nothing', async (_, extra, message) => {
    await expect(
      berth.ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'refused', ...extra })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(message) });
    expect(await missing('refused')).toEqual([expect.objectContaining({ reason: 'MISSING' })]);
  });

  it('refuses task sets on a service with the ECS controller', async () => {
    await expect(
      berth.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service: 'ecs', taskDefinition: 'ts' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message:
        'Amazon ECS only supports task set management on services configured to use external deployment controllers.',
    });
  });

  it.each([
    [
      'loadBalancers',
      { loadBalancers: [{ targetGroupArn: 'arn:aws:elasticloadbalancing:x', containerName: 'a', containerPort: 80 }] },
    ],
    ['serviceRegistries', { serviceRegistries: [{ registryArn: 'arn:aws:servicediscovery:x' }] }],
    ['networkConfiguration', { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } }],
    ['launchType', { launchType: 'FARGATE' as const }],
  ])('refuses a task set with %s, naming it, and writes nothing', async (member, extra) => {
    // Traffic members get the "not yet supported" ClientException services get; a launch type is a bad parameter.
    const name = member === 'launchType' ? 'InvalidParameterException' : 'ClientException';
    await expect(
      berth.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service: 'ext', taskDefinition: 'ts', ...extra })),
    ).rejects.toMatchObject({ name, message: expect.stringContaining(member) });
    expect(await taskSets('ext')).toEqual([]);
  });

  it('refuses a scale above 100 percent and writes nothing', async () => {
    await expect(
      berth.ecs.send(
        new CreateTaskSetCommand({
          cluster: CLUSTER,
          service: 'ext',
          taskDefinition: 'ts',
          scale: { unit: 'PERCENT', value: 150 },
        }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 }, message: expect.stringContaining('scale') });
    expect(await taskSets('ext')).toEqual([]);
  });

  it('answers unknown services and task sets with ECS not-found errors', async () => {
    await expect(
      berth.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service: 'nope', taskDefinition: 'ts' })),
    ).rejects.toMatchObject({ name: 'ServiceNotFoundException' });
    await expect(
      berth.ecs.send(
        new UpdateTaskSetCommand({
          cluster: CLUSTER,
          service: 'ext',
          taskSet: 'ecs-svc/1',
          scale: { unit: 'PERCENT', value: 5 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'TaskSetNotFoundException' });
    await expect(
      berth.ecs.send(new DeleteTaskSetCommand({ cluster: CLUSTER, service: 'ext', taskSet: 'ecs-svc/1' })),
    ).rejects.toMatchObject({ name: 'TaskSetNotFoundException' });
  });

  it('refuses to change the task definition of an EXTERNAL service, or to force a deployment', async () => {
    for (const change of [{ taskDefinition: 'ts' }, { forceNewDeployment: true }]) {
      await expect(
        berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'ext', ...change })),
      ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('task set') });
    }
    const updated = await berth.ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: 'ext', desiredCount: 0 }),
    );
    expect(updated.service?.taskDefinition).toBeUndefined();
  });

  it('is idempotent with a clientToken, refuses a sixth task set, and deletes only scaled to 0 or with force', async () => {
    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'many', deploymentController: { type: 'EXTERNAL' } }),
    );
    const request = { cluster: CLUSTER, service: 'many', taskDefinition: 'ts', clientToken: 'tok-1' };
    const first = await berth.ecs.send(new CreateTaskSetCommand(request));
    const again = await berth.ecs.send(new CreateTaskSetCommand(request));
    expect(again.taskSet?.id).toBe(first.taskSet?.id);
    for (let i = 0; i < 4; i++) {
      await berth.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service: 'many', taskDefinition: 'ts' }));
    }
    await expect(
      berth.ecs.send(new CreateTaskSetCommand({ cluster: CLUSTER, service: 'many', taskDefinition: 'ts' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: '5 deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.',
    });
    expect(await taskSets('many')).toHaveLength(5);

    const id = first.taskSet?.id ?? '';
    await expect(
      berth.ecs.send(new DeleteTaskSetCommand({ cluster: CLUSTER, service: 'many', taskSet: id })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('force') });
    expect((await taskSets('many')).find((t) => t.id === id)?.status).toBe('ACTIVE');
    const deleted = await berth.ecs.send(
      new DeleteTaskSetCommand({ cluster: CLUSTER, service: 'many', taskSet: id, force: true }),
    );
    expect(deleted.taskSet?.status).toBe('DRAINING');
    // With no tasks to stop, the scheduler forgets it on its next pass.
    await waitFor(async () => ((await taskSets('many')).some((t) => t.id === id) ? undefined : true), {
      what: 'the deleted task set to go',
    });
    await expect(
      berth.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: CLUSTER, service: 'many', primaryTaskSet: id })),
    ).rejects.toMatchObject({ name: 'TaskSetNotFoundException' });
  });
});
