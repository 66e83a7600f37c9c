import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  ListServicesCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';

/** The service API's shapes and refusals, through the ECS SDK (no containers run here). */
describe('service API', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  beforeAll(async () => {
    // No periodic sweep: its writes (the control plane's pulse) would land in the "writes nothing" checks.
    berth = await startBerth({ BERTH_MONITOR_INTERVAL_SECONDS: '3600' });
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'svc' }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'api',
        containerDefinitions: [{ name: 'a', image: 'busybox', memory: 64 }],
      }),
    );
    await registerInstance(berth, 'svc', { cpu: 2048, memory: 2048 });
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('creates a service that places its tasks, idempotently with a clientToken', async () => {
    const request = {
      cluster: 'svc',
      serviceName: 'api',
      taskDefinition: 'api',
      desiredCount: 3,
      clientToken: 'tok-1',
    };
    const created = await berth.ecs.send(new CreateServiceCommand(request));
    expect(created.service).toMatchObject({
      serviceName: 'api',
      status: 'ACTIVE',
      desiredCount: 3,
      schedulingStrategy: 'REPLICA',
    });
    expect(created.service?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
    const again = await berth.ecs.send(new CreateServiceCommand(request));
    expect(again.service?.serviceArn).toBe(created.service?.serviceArn);
    await waitFor(
      async () => {
        const tasks = await berth.ecs.send(new ListTasksCommand({ cluster: 'svc', serviceName: 'api' }));
        return tasks.taskArns?.length === 3 ? true : undefined;
      },
      { what: 'three service tasks' },
    );
    const described = await berth.ecs.send(new DescribeServicesCommand({ cluster: 'svc', services: ['api'] }));
    expect(described.services?.[0]?.events?.some((e) => /has started 3 tasks/.test(e.message ?? ''))).toBe(true);
    const listed = await berth.ecs.send(new ListServicesCommand({ cluster: 'svc' }));
    expect(listed.serviceArns).toEqual([created.service?.serviceArn]);
  });

  it('starts a new deployment on UpdateService with a new revision', async () => {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'api',
        containerDefinitions: [{ name: 'a', image: 'busybox', memory: 64, command: ['v2'] }],
      }),
    );
    const updated = await berth.ecs.send(
      new UpdateServiceCommand({ cluster: 'svc', service: 'api', taskDefinition: 'api:2' }),
    );
    expect(updated.service?.deployments?.map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);
    expect(updated.service?.taskDefinition).toMatch(/task-definition\/api:2$/);
    const deployments = await berth.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'svc', service: 'api' }));
    expect(deployments.serviceDeployments).toHaveLength(2);
    expect(deployments.serviceDeployments?.[0]?.serviceDeploymentArn).toMatch(/:service-deployment\/svc\/api\/\d+$/);
  });

  it.each([
    [
      'a negative desiredCount',
      { serviceName: 'x1', taskDefinition: 'api', desiredCount: -1 },
      'InvalidParameterException',
      /desiredCount/,
    ],
    [
      'minimumHealthyPercent above maximumPercent',
      {
        serviceName: 'x2',
        taskDefinition: 'api',
        desiredCount: 1,
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 50 },
      },
      'InvalidParameterException',
      /minimumHealthyPercent \(100\) must not be above maximumPercent \(50\)/,
    ],
    [
      'an unknown task definition',
      { serviceName: 'x3', taskDefinition: 'nope', desiredCount: 1 },
      'ClientException',
      /task definition/,
    ],
    [
      'a name already in use',
      { serviceName: 'api', taskDefinition: 'api', desiredCount: 1 },
      'InvalidParameterException',
      /not idempotent/,
    ],
    [
      'a name already in use with another clientToken',
      { serviceName: 'api', taskDefinition: 'api', desiredCount: 3, clientToken: 'tok-2' },
      'InvalidParameterException',
      /not idempotent/,
    ],
  ])('refuses %s and writes nothing', async (_name, body, type, message) => {
    // Let the scheduler finish what earlier tests started, so only this request counts.
    await berth.queue.whenIdle(10_000);
    const writes = berth.ctx.store.stats.writes;
    const error = await berth.ecs.send(new CreateServiceCommand({ cluster: 'svc', ...body })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: type, message: expect.stringMatching(message) });
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });

  it('refuses an UpdateService that would put the minimum above the maximum, and writes nothing', async () => {
    await berth.queue.whenIdle(10_000);
    const writes = berth.ctx.store.stats.writes;
    const error = await berth.ecs
      .send(
        new UpdateServiceCommand({ cluster: 'svc', service: 'api', deploymentConfiguration: { maximumPercent: 90 } }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidParameterException' });
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });

  it('refuses to delete a scaled-up service without force, then deletes it with force', async () => {
    await expect(berth.ecs.send(new DeleteServiceCommand({ cluster: 'svc', service: 'api' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    const deleted = await berth.ecs.send(new DeleteServiceCommand({ cluster: 'svc', service: 'api', force: true }));
    expect(deleted.service).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
  });
});
