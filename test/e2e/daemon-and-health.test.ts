import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'daemon-health';

describe('DAEMON services and health-check replacement', { timeout: 150_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;
  let image: string;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 2);
    ({ berth, image } = cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function tasksOf(service: string): Promise<Task[]> {
    const listed = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: service }));
    if (!listed.taskArns?.length) return [];
    return (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }))).tasks ?? [];
  }

  it('runs one daemon task per instance, and on an instance that joins later without any API call', async () => {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'logs',
        containerDefinitions: [{ name: 'app', image, memory: 16, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'logs',
        taskDefinition: 'logs',
        schedulingStrategy: 'DAEMON',
      }),
    );
    const onInstances = async (n: number) =>
      waitFor(
        async () => {
          const running = (await tasksOf('logs')).filter((t) => t.lastStatus === 'RUNNING');
          const hosts = new Set(running.map((t) => t.containerInstanceArn));
          return running.length === n && hosts.size === n ? running : undefined;
        },
        { timeoutMs: 60_000, what: `daemon tasks on ${n} instances` },
      );
    await onInstances(2);
    const third = await cluster.addAgent();
    const three = await onInstances(3);
    expect(three.some((t) => t.containerInstanceArn?.endsWith(third.instanceId))).toBe(true);
    const service = (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['logs'] })))
      .services?.[0];
    expect(service).toMatchObject({ schedulingStrategy: 'DAEMON', desiredCount: 3 });
  });

  it('replaces a task whose health check starts failing, after the grace period', async () => {
    // Healthy while /tmp/ok exists; the container removes it after 8 s.
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'checked',
        containerDefinitions: [
          {
            name: 'app',
            image,
            memory: 16,
            stopTimeout: 1,
            command: ['sh', '-c', 'touch /tmp/ok; sleep 8; rm /tmp/ok; sleep 3600'],
            healthCheck: {
              command: ['CMD-SHELL', 'test -f /tmp/ok'],
              interval: 5,
              timeout: 2,
              retries: 1,
              startPeriod: 0,
            },
          },
        ],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'checked',
        taskDefinition: 'checked',
        desiredCount: 1,
        healthCheckGracePeriodSeconds: 5,
      }),
    );
    const first = await waitFor(async () => (await tasksOf('checked')).find((t) => t.healthStatus === 'HEALTHY'), {
      timeoutMs: 60_000,
      what: 'a HEALTHY task',
    });
    const replacement = await waitFor(
      async () => (await tasksOf('checked')).find((t) => t.taskArn !== first.taskArn && t.lastStatus === 'RUNNING'),
      { timeoutMs: 90_000, what: 'a replacement for the unhealthy task' },
    );
    expect(replacement.taskArn).not.toBe(first.taskArn);
    const old = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [first.taskArn ?? ''] })))
      .tasks?.[0];
    expect(old?.stoppedReason ?? '').toMatch(/Task failed container health checks/);
    expect(old?.stopCode).toBe('ServiceSchedulerInitiated');
  });
});
