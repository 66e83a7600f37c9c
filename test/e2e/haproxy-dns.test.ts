import { CreateServiceCommand, DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersLabelled } from '../support/agents.ts';
import { registerAnsweringWeb, runningServiceTasks } from '../support/answering-service.ts';
import type { ContainerCluster } from '../support/container-cluster.ts';
import { startDnsViewCluster } from '../support/dns-view-cluster.ts';
import { freePort } from '../support/dns-query.ts';
import { startHaproxy, type TestHaproxy } from '../support/haproxy.ts';
import { startLoad } from '../support/load-generator.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'haproxy-e2e';
/** Load loops: enough for well over 100 requests a second through HAProxy to busybox httpd. */
const CONCURRENCY = 16;

/** The configuration docs/networking.md shows, on the test's ports. */
function haproxyConfig(dnsPorts: readonly number[], frontendPort: number, statsPort: number): string {
  return `
global
  maxconn 1000

defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 5s
  retries 3
  option redispatch 1
  retry-on all-retryable-errors 502 503 504
  default-server init-addr none

resolvers berth
${dnsPorts.map((port, n) => `  nameserver agent${n} 127.0.0.1:${port}`).join('\n')}
  accepted_payload_size 8192
  resolve_retries 2
  timeout resolve 500ms
  timeout retry 500ms
  hold valid 1s
  hold obsolete 1s
  hold nx 1s
  hold other 1s
  hold refused 1s
  hold timeout 1s

frontend web
  bind 127.0.0.1:${frontendPort}
  default_backend web

backend web
  balance roundrobin
  option httpchk GET /
  server-template web 10 _web._tcp.${CLUSTER}.berth resolvers berth resolve-opts allow-dup-ip check inter 500ms fall 2 rise 1

listen stats
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats
  stats show-legends
`;
}

/**
 * HAProxy, unmodified, load-balancing a Berth service through the DNS view
 * of two agents: a rolling deployment under load loses no request, and a
 * killed task costs at most the requests in flight to it.
 */
describe('HAProxy in front of a service, through the DNS view', { timeout: 300_000 }, () => {
  let cluster: ContainerCluster;
  let haproxy: TestHaproxy;

  beforeAll(async () => {
    const started = await startDnsViewCluster(CLUSTER);
    cluster = started.cluster;
    const dnsPorts = started.dnsPorts;
    const [frontend, stats] = [await freePort(), await freePort()];
    haproxy = await startHaproxy(haproxyConfig(dnsPorts, frontend, stats), frontend, stats);
  });
  afterAll(async () => {
    await haproxy?.stop();
    await cluster?.stop();
  });

  const register = (answer: string) => registerAnsweringWeb(cluster, answer);
  const runningTasks = () => runningServiceTasks(cluster.berth.ecs, CLUSTER, 'web');

  /** Until HAProxy has `count` servers UP answering `answer`, and the service is steady. */
  async function untilServing(answer: string, count: number): Promise<void> {
    await waitFor(
      async () => {
        const out = await cluster.berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }));
        const service = out.services?.[0];
        const servers = [...(await haproxy.servers())];
        const body = await (await fetch(haproxy.url)).text();
        const up = servers.filter(([, s]) => s === 'UP').length;
        const steady = service?.deployments?.length === 1 && service.runningCount === count;
        if (steady && up === count && body.startsWith(answer)) return true;
        // Thrown, not returned: the last state seen is the timeout's cause.
        throw new Error(
          `deployments ${service?.deployments?.length}, running ${service?.runningCount}, ` +
            `servers ${JSON.stringify(servers)}, answer ${body.trim()}`,
        );
      },
      { timeoutMs: 120_000, intervalMs: 250, what: `${count} tasks answering ${answer} through HAProxy` },
    );
  }

  it('rolls a deployment under load without a failed request, the answers switching from old to new', async () => {
    const { berth } = cluster;
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: await register('v1'),
        desiredCount: 4,
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      }),
    );
    await untilServing('v1', 4);
    const load = startLoad(haproxy.url, CONCURRENCY);
    const started = Date.now();
    await berth.ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: await register('v2') }),
    );
    await untilServing('v2', 4);
    // The old tasks are gone from HAProxy's servers: a few more seconds of load on the new ones alone.
    const settled = load.counts().ok;
    await waitFor(() => (load.counts().ok >= settled + 200 ? true : undefined), { timeoutMs: 60_000 });
    const counts = await load.stop();
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `HAProxy rolling deployment: ${counts.sent} requests in ${seconds.toFixed(1)} s ` +
        `(${(counts.sent / seconds).toFixed(0)}/s), ${counts.ok} ok, ${counts.failed} failed`,
    );
    expect(counts.sent / seconds).toBeGreaterThanOrEqual(100);
    expect(counts.failures).toEqual([]);
    expect(counts.answers[0]).toMatch(/^v1 /);
    expect(counts.answers.at(-1)).toMatch(/^v2 /);
    // Once the new revision answers alone, the old one never answers again.
    const lastOld = counts.answers.findLastIndex((a) => a.startsWith('v1 '));
    expect(counts.answers.slice(lastOld + 1).every((a) => a.startsWith('v2 '))).toBe(true);
  });

  it('loses at most the requests in flight to a killed task, and HAProxy stops sending to it', async () => {
    const [victim] = await runningTasks();
    const taskId = victim?.taskArn?.split('/').at(-1) ?? '';
    const port = victim?.containers?.[0]?.networkBindings?.[0]?.hostPort;
    const [container] = await containersLabelled({ 'com.berth.task-id': taskId });
    if (!container || port === undefined) throw new Error('no running task to kill');
    const listed = [...(await haproxy.servers())].find(([addr]) => addr.endsWith(`:${port}`));
    expect(listed?.[1]).toBe('UP');
    const load = startLoad(haproxy.url, CONCURRENCY);
    await waitFor(() => (load.counts().ok >= 200 ? true : undefined), { timeoutMs: 30_000 });
    const killed = Date.now();
    await run('docker', ['kill', container]);
    // HAProxy stops sending to it once its checks fail (or the view drops it, whichever comes first).
    await waitFor(
      async () => {
        const state = [...(await haproxy.servers())].find(([addr]) => addr.endsWith(`:${port}`))?.[1];
        return state === undefined || state.startsWith('DOWN') || state === 'MAINT' ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 25, what: 'HAProxy to take the killed task out' },
    );
    const outAfter = Date.now() - killed;
    const before = load.counts().ok;
    await waitFor(() => (load.counts().ok >= before + 200 ? true : undefined), { timeoutMs: 60_000 });
    const counts = await load.stop();
    console.log(
      `HAProxy and a killed task: ${counts.sent} requests, ${counts.failed} failed; ` +
        `HAProxy took the task out ${outAfter} ms after the kill (checks every 500 ms, fall 2)`,
    );
    expect(counts.failed).toBeLessThanOrEqual(CONCURRENCY);
    // Nothing failed after HAProxy took it out.
    expect(counts.failedAt.every((at) => at <= killed + outAfter)).toBe(true);
  });
});
