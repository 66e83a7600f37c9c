import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { killContainersRepeatedly } from '../support/container-killer.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'kill-recovery';
const DESIRED = 4;

/**
 * A service whose healthy containers are killed from outside, again and
 * again: the kills are not start failures, so they neither hold launches
 * back nor trip the circuit breaker. As soon as the killing stops the
 * service is back to its full count, and its events say each thing once.
 */
describe('a service whose containers are killed from outside', { timeout: 240_000 }, () => {
  let cluster: ContainerCluster;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function runningCount(): Promise<number> {
    const { berth } = cluster;
    const arns =
      (
        await berth.ecs.send(
          new ListTasksCommand({ cluster: CLUSTER, serviceName: 'victim', desiredStatus: 'RUNNING' }),
        )
      ).taskArns ?? [];
    if (arns.length === 0) return 0;
    const tasks = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ?? [];
    return tasks.filter((t) => t.lastStatus === 'RUNNING').length;
  }

  async function service(): Promise<Service> {
    const out = await cluster.berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['victim'] }));
    return out.services?.[0] as Service;
  }

  it('is back to full count promptly once the killing stops, with no repeated events', async () => {
    const { berth, image } = cluster;
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'victim',
        containerDefinitions: [{ name: 'app', image, memory: 16, cpu: 16, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'victim',
        taskDefinition: 'victim',
        desiredCount: DESIRED,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    await waitFor(async () => ((await runningCount()) === DESIRED ? true : undefined), {
      timeoutMs: 90_000,
      what: `${DESIRED} RUNNING tasks`,
    });

    // Kill everything the service runs, every two seconds, until well past
    // the three failures after which a crash loop would be held back, or for
    // 45 s at most: the length of the fault, not an assertion.
    const killer = killContainersRepeatedly({ 'com.berth.cluster': CLUSTER }, 2_000);
    try {
      await waitFor(() => (killer.killed >= 4 * DESIRED ? true : undefined), {
        timeoutMs: 45_000,
        intervalMs: 250,
      }).catch(() => false);
    } finally {
      await killer.stop();
    }
    expect(killer.killed).toBeGreaterThanOrEqual(DESIRED);

    // Generous, but far below the minutes a backoff counting the kills would hold launches.
    await waitFor(async () => ((await runningCount()) === DESIRED ? true : undefined), {
      timeoutMs: 60_000,
      what: `${DESIRED} RUNNING tasks again after ${killer.killed} kills`,
    });

    const after = await service();
    expect(after.deployments?.[0]).toMatchObject({ rolloutState: expect.not.stringMatching('FAILED'), failedTasks: 0 });
    const messages = (after.events ?? []).map((e) => e.message ?? '');
    expect(messages.some((m) => /has started/.test(m))).toBe(true);
    expect(messages.filter((m) => /unable to consistently start/.test(m))).toEqual([]);
    expect(messages.filter((m, i) => messages.indexOf(m) !== i)).toEqual([]);
  });
});
