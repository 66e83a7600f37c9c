import {
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';
import { allTasks, chaosCluster, dockerKill, running, runningContainers, taskId } from './support.ts';

const cluster = chaosCluster('roll');
const DESIRED = 4;
const CHURN_MS = 20_000;

/** Containers killed from outside while UpdateService rolls a service to a new revision. */
describe('churn during a rolling deployment', () => {
  let setup: ContainerCluster;

  beforeAll(async () => {
    setup = await startContainerCluster(cluster, 2);
    for (const version of ['1', '2']) {
      await setup.berth.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'roll',
          containerDefinitions: [
            {
              name: 'app',
              image: setup.image,
              memory: 16,
              command: ['sleep', '3600'],
              stopTimeout: 1,
              environment: [{ name: 'VERSION', value: version }],
            },
          ],
        }),
      );
    }
    await setup.berth.ecs.send(
      new CreateServiceCommand({ cluster, serviceName: 'roll', taskDefinition: 'roll:1', desiredCount: DESIRED }),
    );
  });
  afterAll(async () => {
    await setup?.stop();
  });

  const describeService = async (): Promise<Service | undefined> =>
    (await setup.berth.ecs.send(new DescribeServicesCommand({ cluster, services: ['roll'] }))).services?.[0];
  const steadyOn = async (revision: string) => {
    const service = await describeService();
    const done =
      service?.deployments?.length === 1 &&
      service.deployments[0]?.rolloutState === 'COMPLETED' &&
      service.deployments[0].taskDefinition?.endsWith(`:${revision}`) &&
      service.runningCount === DESIRED;
    return done ? service : undefined;
  };

  it('completes the deployment and reaches steady state on the new revision', async () => {
    await waitFor(() => steadyOn('1'), { timeoutMs: 90_000, intervalMs: 250, what: 'steady on revision 1' });
    await setup.berth.ecs.send(new UpdateServiceCommand({ cluster, service: 'roll', taskDefinition: 'roll:2' }));

    // Kill one running container of the service every second for CHURN_MS, whichever revision it runs.
    let killed = 0;
    const until = Date.now() + CHURN_MS;
    while (Date.now() < until) {
      const containers = [...(await runningContainers({ 'com.berth.cluster': cluster })).keys()];
      const victim = containers[Math.floor(Math.random() * containers.length)];
      if (victim) {
        await dockerKill([victim]);
        killed++;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    console.log(`rolling churn: ${killed} containers killed during the deployment`);
    expect(killed).toBeGreaterThan(0);

    const churnEnded = Date.now();
    const service = await waitFor(() => steadyOn('2'), {
      timeoutMs: 150_000,
      intervalMs: 500,
      what: 'steady on revision 2',
    });
    console.log(
      `rolling churn: steady on the new revision ${((Date.now() - churnEnded) / 1000).toFixed(1)} s after the churn ended`,
    );
    expect(service.pendingCount).toBe(0);
    const tasks = running(await allTasks(setup.berth.ecs, cluster, 'roll'));
    expect(tasks).toHaveLength(DESIRED);
    expect(tasks.every((t) => t.taskDefinitionArn?.endsWith(':2'))).toBe(true);
    const containers = await waitFor(
      async () => {
        const found = await runningContainers({ 'com.berth.cluster': cluster });
        return found.size === DESIRED ? found : undefined;
      },
      { timeoutMs: 30_000, what: `${DESIRED} containers` },
    );
    expect([...containers.values()].sort()).toEqual(tasks.map((t) => taskId(t.taskArn)).sort());
  });
});
