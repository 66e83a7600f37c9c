import { CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerInstances, instanceMetricsWindows } from '#shared/domain/collections.ts';
import { METRICS_BUCKET_MS, METRICS_REWRITE_SPACING_MS } from '#shared/domain/metrics-window.ts';
import { serviceMetrics } from '#shared/control/service-metrics.ts';
import { emitServiceMetrics } from '#functions/monitor/service-metrics-emf.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';
import { agentCredential } from '../support/agents.ts';
import { agentPost } from '../support/agent-request.ts';

const CLUSTER = 'metrics-e2e';
/** Polls sent back to back, each with samples: far more than a minute's worth at the agent's pace. */
const POLLS = 20;

interface MetricsAnswer {
  cpuUtilization?: number;
  memoryUtilization?: number;
  samples: number;
}

/**
 * Service metrics from real containers: an agent sampling every second, a
 * service whose container spins a core against a reservation of a quarter
 * of one, and a service that sleeps. Read through the signed HTTP route.
 */
describe('service metrics from real containers', { timeout: 240_000 }, () => {
  let cluster: ContainerCluster;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 0);
    await cluster.addAgent({ metricsIntervalSeconds: 1 });
    for (const [name, command] of [
      ['busy', 'while :; do :; done'],
      ['idle', 'sleep 3600'],
    ] as const) {
      await cluster.berth.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: `metrics-${name}`,
          cpu: '256',
          memory: '64',
          containerDefinitions: [{ name: 'app', image: cluster.image, command: ['sh', '-c', command], stopTimeout: 1 }],
        }),
      );
      await cluster.berth.ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: name,
          taskDefinition: `metrics-${name}`,
          desiredCount: 1,
        }),
      );
    }
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function read(service: string, body: Record<string, unknown> = {}): Promise<Response> {
    return cluster.berth.fetch(`${cluster.berth.endpoint}/berth/v1/service-metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cluster: CLUSTER, service, ...body }),
    });
  }

  async function sampled(service: string): Promise<MetricsAnswer | undefined> {
    const answer = (await (await read(service)).json()) as MetricsAnswer;
    return answer.cpuUtilization === undefined ? undefined : answer;
  }

  it('shows the busy service far above its cpu reservation and the idle one low', async () => {
    const busy = await waitFor(() => sampled('busy'), { timeoutMs: 180_000, intervalMs: 1_000, what: 'busy samples' });
    const idle = await waitFor(() => sampled('idle'), { timeoutMs: 180_000, intervalMs: 1_000, what: 'idle samples' });
    expect(busy.cpuUtilization).toBeGreaterThan(50);
    expect(busy.samples).toBeGreaterThan(0);
    expect(idle.cpuUtilization).toBeLessThan(25);
    expect(idle.memoryUtilization).toBeGreaterThanOrEqual(0);
    expect(idle.memoryUtilization).toBeLessThan(100);
  });

  it('serves auto scaling the same averages through serviceMetrics', async () => {
    const metrics = await serviceMetrics(cluster.berth.ctx, CLUSTER, 'busy', 300);
    expect(metrics.cpuUtilization).toBeGreaterThan(50);
    expect(await serviceMetrics(cluster.berth.ctx, CLUSTER, 'nothing-here', 300)).toEqual({ samples: 0 });
  });

  it('reports the minute of each service as one CloudWatch EMF line', async () => {
    const lines: string[] = [];
    const nextMinute = {
      ...cluster.berth.ctx,
      clock: { ...cluster.berth.ctx.clock, now: () => Date.now() + METRICS_BUCKET_MS },
    };
    await emitServiceMetrics(nextMinute, [CLUSTER], (line) => lines.push(line));
    const byService = new Map(
      lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((l) => [l.ServiceName, l]),
    );
    expect(byService.get('busy')).toMatchObject({
      ClusterName: CLUSTER,
      _aws: { CloudWatchMetrics: [{ Namespace: 'Berth/ECS' }] },
    });
    expect(byService.get('busy')?.CPUUtilization).toBeGreaterThan(50);
  });

  it('writes the instance window at most once per minute and spacing, however many polls carry samples', async () => {
    const agent = cluster.agents[0]!;
    const key = instanceMetricsWindows.key(CLUSTER, agent.instanceId);
    const instance = await cluster.berth.ctx.store.get(
      containerInstances,
      containerInstances.key(CLUSTER, agent.instanceId),
    );
    const busyTask = Object.values(instance!.value.assignments).find((a) => a.group === 'service:busy')!;
    const { epoch } = JSON.parse(readFileSync(join(agent.stateDir, 'identity.json'), 'utf8')) as { epoch: number };
    const before = (await cluster.berth.ctx.store.get(instanceMetricsWindows, key))!.version;
    const started = Date.now();
    const firstMinute = Math.floor(started / METRICS_BUCKET_MS);
    const metrics = [{ taskId: busyTask.taskId, cpuUsed: 300, memoryUsedMiB: 8, sampledAt: Date.now() }];
    for (let i = 0; i < POLLS; i++) {
      const answer = await agentPost(
        cluster.berth.endpoint,
        { cluster: CLUSTER, instanceId: agent.instanceId, call: 'poll' },
        agentCredential(agent.stateDir),
        { epoch, metrics },
      );
      expect(answer.status).toBe(200);
    }
    const minutes = Math.floor(Date.now() / METRICS_BUCKET_MS) - firstMinute + 1;
    const spacings = Math.floor((Date.now() - started) / METRICS_REWRITE_SPACING_MS) + 1;
    const writes = (await cluster.berth.ctx.store.get(instanceMetricsWindows, key))!.version - before;
    // POLLS polls with samples (the agent's own besides, a busy task's far from these): a write per minute they
    // span and per spacing while the load moves, not one per poll.
    expect(writes).toBeLessThanOrEqual(minutes + spacings);
    expect(writes).toBeLessThan(POLLS);
  });

  it('refuses a poll whose metrics are not well formed', async () => {
    const agent = cluster.agents[0]!;
    const { epoch } = JSON.parse(readFileSync(join(agent.stateDir, 'identity.json'), 'utf8')) as { epoch: number };
    const answer = await agentPost(
      cluster.berth.endpoint,
      { cluster: CLUSTER, instanceId: agent.instanceId, call: 'poll' },
      agentCredential(agent.stateDir),
      { epoch, metrics: [{ taskId: 't', memoryUsedMiB: -1, sampledAt: 0 }] },
    );
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toContain('metrics.0.memoryUsedMiB');
  });

  it('answers ECS errors for an unknown service and a bad window', async () => {
    const missing = await read('nope');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ __type: 'ServiceNotFoundException' });
    const bad = await read('busy', { windowSeconds: 3600 });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { __type: string; message: string };
    expect(error.__type).toBe('InvalidParameterException');
    expect(error.message).toContain('windowSeconds');
  });
});
