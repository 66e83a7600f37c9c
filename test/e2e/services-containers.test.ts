import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { containersLabelled } from '../support/agents.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'svc-e2e';

/**
 * Services with real containers: two agents on the local Docker engine are
 * two container instances. Rolling deployment, circuit breaker with
 * rollback, replacement of a killed container.
 */
describe('services on real containers', { timeout: 150_000 }, () => {
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

  async function register(family: string, command: string[]): Promise<string> {
    const out = await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'app', image, memory: 32, cpu: 64, command, stopTimeout: 1 }],
      }),
    );
    return out.taskDefinition?.taskDefinitionArn ?? '';
  }

  async function listed(name: string, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<string[]> {
    return (
      (await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: name, desiredStatus }))).taskArns ??
      []
    );
  }

  async function serviceTasks(name: string): Promise<Task[]> {
    // A task stopped between the two lists is in both: it is described once.
    const ids = new Set([...(await listed(name, 'RUNNING')), ...(await listed(name, 'STOPPED'))]);
    if (ids.size === 0) return [];
    const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [...ids] }));
    return described.tasks ?? [];
  }

  /**
   * The service's tasks as at one moment: taken again when a task started
   * while they were being read, since the scheduler may have stopped an old
   * task on the strength of a new one the reading missed.
   */
  async function snapshot(name: string): Promise<Task[]> {
    for (;;) {
      const tasks = await serviceTasks(name);
      const known = new Set(tasks.map((t) => t.taskArn));
      if ((await listed(name, 'RUNNING')).every((arn) => known.has(arn))) return tasks;
    }
  }

  async function describe1(name: string): Promise<Service> {
    const out = await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }));
    return out.services?.[0] as Service;
  }

  const healthy = (t: Task) =>
    t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING' && t.healthStatus !== 'UNHEALTHY';
  const occupying = (t: Task) => t.lastStatus !== 'STOPPED';

  it('runs 4 tasks across both instances', async () => {
    await register('web', ['sleep', '3600']);
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 4,
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
        deploymentConfiguration: {
          minimumHealthyPercent: 50,
          maximumPercent: 150,
          deploymentCircuitBreaker: { enable: true, rollback: true },
        },
      }),
    );
    const running = await waitFor(
      async () => {
        const tasks = (await serviceTasks('web')).filter(healthy);
        return tasks.length === 4 ? tasks : undefined;
      },
      { timeoutMs: 60_000, what: '4 RUNNING tasks' },
    );
    expect(new Set(running.map((t) => t.containerInstanceArn)).size).toBe(2);
    const service = await waitFor(
      async () => {
        const s = await describe1('web');
        return s.deployments?.[0]?.rolloutState === 'COMPLETED' ? s : undefined;
      },
      { timeoutMs: 30_000, what: 'the first deployment to complete' },
    );
    expect(service.events?.some((e) => /has reached a steady state/.test(e.message ?? ''))).toBe(true);
  });

  it('rolls out a new revision within 50%..150%, sampled every 200 ms', async () => {
    await register('web', ['sleep', '3601']);
    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: 'web:2' }));
    let minHealthy = Number.POSITIVE_INFINITY;
    let maxOccupying = 0;
    const samples: string[] = [];
    await waitFor(
      async () => {
        const tasks = await snapshot('web');
        const h = tasks.filter(healthy).length;
        const o = tasks.filter(occupying).length;
        minHealthy = Math.min(minHealthy, h);
        maxOccupying = Math.max(maxOccupying, o);
        samples.push(`${h}/${o}`);
        const service = await describe1('web');
        const done = service.deployments?.length === 1 && service.deployments[0]?.rolloutState === 'COMPLETED';
        const onNew = tasks.filter((t) => healthy(t) && t.taskDefinitionArn?.endsWith(':2')).length === 4;
        return done && onNew && o === 4 ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200, what: 'the rolling deployment to complete' },
    );
    console.log(`rolling deployment samples (healthy/not stopped): ${samples.join(' ')}`);
    expect(minHealthy).toBeGreaterThanOrEqual(2);
    expect(maxOccupying).toBeLessThanOrEqual(6);
    expect(samples.length).toBeGreaterThan(3);
  });

  it('fails a deployment whose containers exit at once, and rolls back', async () => {
    await register('web', ['sh', '-c', 'exit 1']);
    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: 'web:3' }));
    const service = await waitFor(
      async () => {
        const s = await describe1('web');
        const primary = s.deployments?.[0];
        const rolledBack = primary?.taskDefinition?.endsWith(':2') && primary.rolloutState === 'COMPLETED';
        return rolledBack ? s : undefined;
      },
      { timeoutMs: 120_000, what: 'the rollback to complete' },
    );
    const messages = (service.events ?? []).map((e) => e.message ?? '');
    expect(messages.some((m) => /deployment failed: tasks failed to start/.test(m))).toBe(true);
    expect(messages.some((m) => /rolling back to deployment/.test(m))).toBe(true);
    const live = (await serviceTasks('web')).filter(healthy);
    expect(live).toHaveLength(4);
    expect(live.every((t) => t.taskDefinitionArn?.endsWith(':2'))).toBe(true);
  });

  it('replaces a container killed behind its back', async () => {
    const [victim] = (await serviceTasks('web')).filter(healthy);
    const ids = await containersLabelled({ 'com.berth.task-id': victim?.taskArn?.split('/').pop() ?? '' });
    expect(ids).toHaveLength(1);
    await run('docker', ['kill', ids[0] ?? '']);
    const stopped = await waitFor(
      async () => {
        const tasks = await serviceTasks('web');
        const gone = tasks.find((t) => t.taskArn === victim?.taskArn && t.lastStatus === 'STOPPED');
        return gone && tasks.filter(healthy).length === 4 ? gone : undefined;
      },
      { timeoutMs: 60_000, what: 'the killed task to be replaced' },
    );
    expect(stopped.stoppedReason).toMatch(/Essential container in task exited/);
  });
});
