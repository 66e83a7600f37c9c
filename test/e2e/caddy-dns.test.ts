import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersLabelled } from '../support/agents.ts';
import { registerAnsweringWeb, runningServiceTasks } from '../support/answering-service.ts';
import { startCaddy, type TestCaddy } from '../support/caddy.ts';
import type { ContainerCluster } from '../support/container-cluster.ts';
import { startDnsViewCluster } from '../support/dns-view-cluster.ts';
import { freePort } from '../support/dns-query.ts';
import { startLoad } from '../support/load-generator.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'caddy-e2e';
const COUNT = 3;
const CONCURRENCY = 8;

/** The configuration docs/networking.md shows, on the test's ports. */
function caddyfile(dnsPorts: readonly number[], sitePort: number): string {
  const resolvers = dnsPorts.map((port) => `127.0.0.1:${port}`).join(' ');
  return `
{
  admin off
  auto_https off
}

:${sitePort} {
  bind 127.0.0.1
  reverse_proxy {
    dynamic srv _web._tcp.${CLUSTER}.berth {
      refresh 1s
      resolvers ${resolvers}
      dial_timeout 1s
    }
    lb_policy round_robin
    lb_try_duration 3s
    lb_try_interval 100ms
    fail_duration 5s
    max_fails 1
    unhealthy_status 5xx
    health_uri /
    health_interval 500ms
    health_timeout 500ms
    transport http {
      resolvers ${resolvers}
      dial_timeout 1s
    }
  }
}
`;
}

/**
 * Caddy, unmodified, in front of a Berth service through the DNS view of
 * two agents (SRV upstreams): requests spread over the tasks, a rolling
 * deployment switches the answers, and a stopped task leaves rotation.
 */
describe('Caddy in front of a service, through the DNS view', { timeout: 300_000 }, () => {
  let cluster: ContainerCluster;
  let caddy: TestCaddy;

  beforeAll(async () => {
    const started = await startDnsViewCluster(CLUSTER);
    cluster = started.cluster;
    const dnsPorts = started.dnsPorts;
    const site = await freePort();
    caddy = await startCaddy(caddyfile(dnsPorts, site), site);
  });
  afterAll(async () => {
    await caddy?.stop();
    await cluster?.stop();
  });

  const register = (answer: string) => registerAnsweringWeb(cluster, answer);
  const runningTasks = () => runningServiceTasks(cluster.berth.ecs, CLUSTER, 'web');

  /** The answers to `n` requests through Caddy, one after another (failures as undefined). */
  async function answers(n: number): Promise<(string | undefined)[]> {
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const response = await fetch(caddy.url).catch(() => undefined);
      seen.push(response?.ok ? (await response.text()).trim() : undefined);
    }
    return seen;
  }

  /** Until the service is steady at `count` tasks and Caddy's answers come from `count` tasks of `answer`. */
  async function untilServing(answer: string, count: number): Promise<Set<string>> {
    return waitFor(
      async () => {
        const out = await cluster.berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }));
        const service = out.services?.[0];
        const seen = await answers(count * 4);
        const hosts = new Set(seen.map((a) => a?.split(' ')[1] ?? 'failed'));
        const steady = service?.deployments?.length === 1 && service.runningCount === count;
        if (steady && hosts.size === count && seen.every((a) => a?.startsWith(`${answer} `))) return hosts;
        // Thrown, not returned: the last state seen is the timeout's cause.
        throw new Error(`deployments ${service?.deployments?.length}, running ${service?.runningCount}, ${seen}`);
      },
      { timeoutMs: 120_000, intervalMs: 250, what: `${count} tasks answering ${answer} through Caddy` },
    );
  }

  it('spreads requests over the service’s tasks', async () => {
    await cluster.berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: await register('v1'),
        desiredCount: COUNT,
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      }),
    );
    const hosts = await untilServing('v1', COUNT);
    const containers = await Promise.all(
      (await runningTasks()).map((t) => containersLabelled({ 'com.berth.task-id': t.taskArn!.split('/').pop()! })),
    );
    // busybox's hostname is the container id's first 12 characters: every task answered.
    expect([...hosts].sort()).toEqual(containers.map(([id]) => id!.slice(0, 12)).sort());
  });

  it('switches the answers to the new revision during a rolling deployment under load', async () => {
    const load = startLoad(caddy.url, CONCURRENCY);
    await waitFor(() => (load.counts().ok >= 50 ? true : undefined), { timeoutMs: 30_000 });
    const started = Date.now();
    await cluster.berth.ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: await register('v2') }),
    );
    await untilServing('v2', COUNT);
    const settled = load.counts().ok;
    await waitFor(() => (load.counts().ok >= settled + 100 ? true : undefined), { timeoutMs: 60_000 });
    const counts = await load.stop();
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `Caddy rolling deployment: ${counts.sent} requests in ${seconds.toFixed(1)} s, ` +
        `${counts.ok} ok, ${counts.failed} failed` +
        (counts.failed > 0 ? ` at ${counts.failedAt.map((at) => `+${at - started} ms`).join(', ')}` : ''),
    );
    // Caddy retries a GET on another upstream for lb_try_duration, after a refused dial or a broken round trip.
    expect(counts.failures).toEqual([]);
    expect(counts.answers[0]).toMatch(/^v1 /);
    expect(counts.answers.at(-1)).toMatch(/^v2 /);
    // Once the new revision answers alone, the old one never answers again.
    const lastOld = counts.answers.findLastIndex((a) => a.startsWith('v1 '));
    expect(counts.answers.slice(lastOld + 1).every((a) => a.startsWith('v2 '))).toBe(true);
    expect(counts.answers.slice(lastOld + 1).length).toBeGreaterThanOrEqual(100);
  });

  it('takes a stopped task out of rotation', async () => {
    const [victim] = await runningTasks();
    const taskId = victim!.taskArn!.split('/').pop()!;
    const port = victim!.containers![0]!.networkBindings![0]!.hostPort!;
    const [container] = await containersLabelled({ 'com.berth.task-id': taskId });
    const hostname = container!.slice(0, 12);
    expect((await answers(COUNT * 4)).some((a) => a?.endsWith(` ${hostname}`))).toBe(true);
    await cluster.berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: taskId, reason: 'leaving rotation' }));
    await waitFor(
      async () => {
        const [task] = (await cluster.berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskId] })))
          .tasks!;
        return task?.lastStatus === 'STOPPED' ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the stopped task STOPPED' },
    );
    // Something else answers on the stopped task's port now: a proxy that still
    // sends there gets "stale" instead of a refused connection it would retry.
    const stale = await waitFor(() => listenOn(port, 'stale'), { timeoutMs: 30_000, what: `port ${port} free` });
    try {
      const seen: (string | undefined)[] = [];
      await waitFor(
        async () => {
          const batch = await answers(COUNT * 5);
          seen.push(...batch);
          return batch.every((a) => a !== undefined && a !== 'stale') ? true : undefined;
        },
        { timeoutMs: 30_000, what: `${COUNT * 5} answers in a row from serving tasks only` },
      );
      const staleCount = seen.filter((a) => a === 'stale').length;
      const failed = seen.filter((a) => a === undefined).length;
      console.log(`Caddy after StopTask: ${seen.length} requests, ${staleCount} to the stopped port, ${failed} failed`);
      expect(seen.some((a) => a?.endsWith(` ${hostname}`))).toBe(false);
    } finally {
      await stale.close();
    }
  });
});

/** An HTTP server on `port` (all addresses, as Docker publishes) answering `body`, or undefined while the port is taken. */
async function listenOn(port: number, body: string) {
  const server = createServer((_request, response) => response.end(body));
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => resolve(true));
  });
  if (!listening) return undefined;
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
