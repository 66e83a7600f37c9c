import {
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DNS_VIEW_ATTRIBUTE } from '#shared/schemas/instance-attributes.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { askDns, freePort, srvTargets } from '../support/dns-query.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'dns-e2e';
const WEB = ['sh', '-c', 'echo v1 > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'];
/** The goal: a task's start or stop shows in every agent's answers within this. */
const GOAL_MS = 5_000;

/**
 * The DNS view end to end: two agents (hosts 127.0.0.1 and 127.0.0.2) each
 * serve the cluster's `.berth` zone; a service's tasks appear in both
 * agents' A and SRV answers once RUNNING, and leave them when stopped.
 */
describe('the DNS view on two agents', { timeout: 180_000 }, () => {
  let cluster: ContainerCluster;
  const dnsPorts: number[] = [];

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 0);
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      const port = await freePort();
      dnsPorts.push(port);
      await cluster.addAgent({ hostAddress: host, dns: { address: '127.0.0.1', port } });
    }
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function runningTasks(): Promise<Task[]> {
    const { berth } = cluster;
    const arns = (await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }))).taskArns ?? [];
    if (arns.length === 0) return [];
    const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }));
    return (described.tasks ?? []).filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
  }

  const endpointOf = (task: Task, hosts: Map<string, string>) => {
    const port = task.containers?.[0]?.networkBindings?.[0]?.hostPort;
    const host = hosts.get(task.containerInstanceArn ?? '');
    return `${(host ?? '?').replaceAll('.', '-')}.hosts.${CLUSTER}.berth:${port}`;
  };

  /** Waits until every agent answers exactly `expected` for the service's SRV name; the time it took. */
  async function untilAnswered(expected: string[], since: number): Promise<number> {
    for (const port of dnsPorts) {
      await waitFor(
        async () => {
          const got = srvTargets(await askDns(port, `_web._tcp.${CLUSTER}.berth`, 'SRV'));
          return JSON.stringify(got) === JSON.stringify([...expected].sort()) ? got : undefined;
        },
        { timeoutMs: 30_000, what: `SRV answers ${expected.join(', ')} on port ${port}` },
      );
    }
    return Date.now() - since;
  }

  it('registers agents serving the view with its attribute, so stopping tasks drain from it', async () => {
    const { berth } = cluster;
    const arns = (await berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns;
    const described = await berth.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: arns }),
    );
    const marked = (described.containerInstances ?? []).map(
      (i) => i.attributes?.find((a) => a.name === DNS_VIEW_ATTRIBUTE)?.value,
    );
    expect(marked).toEqual(['true', 'true']);
  });

  it('answers NXDOMAIN for the service before it exists', async () => {
    const reply = await askDns(dnsPorts[0] ?? 0, `web.${CLUSTER}.berth`, 'A');
    expect(reply.rcode).toBe('NXDOMAIN');
    expect(reply.flag_aa).toBe(true);
  });

  it('follows the service: tasks appear when RUNNING and leave when stopped, within 5 s on both agents', async () => {
    const { berth, image } = cluster;
    const hosts = new Map(
      cluster.agents.map((a, n): [string, string] => [
        a.containerInstanceArn ?? '',
        n === 0 ? '127.0.0.1' : '127.0.0.2',
      ]),
    );
    const registered = await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          {
            name: 'app',
            image,
            memory: 32,
            cpu: 64,
            command: WEB,
            stopTimeout: 1,
            portMappings: [{ containerPort: 8080, hostPort: 0 }],
          },
        ],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: registered.taskDefinition?.taskDefinitionArn ?? '',
        desiredCount: 2,
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      }),
    );
    const running = await waitFor(
      async () => {
        const tasks = await runningTasks();
        return tasks.length === 2 ? tasks : undefined;
      },
      { timeoutMs: 60_000, what: 'two RUNNING tasks' },
    );
    const seenRunning = Date.now();
    const started = await untilAnswered(
      running.map((t) => endpointOf(t, hosts)),
      seenRunning,
    );
    console.log(
      `DNS view: two tasks in both agents' SRV answers ${started} ms after DescribeTasks showed them RUNNING`,
    );
    expect(started).toBeLessThan(GOAL_MS);
    const a = await askDns(dnsPorts[1] ?? 0, `WEB.${CLUSTER}.berth`, 'A');
    expect(a.answers.map((r) => r.data).sort()).toEqual(['127.0.0.1', '127.0.0.2']);
    expect(a.answers[0]?.ttl).toBe(2);

    const [gone, kept] = running;
    if (!gone || !kept) throw new Error('two tasks expected');
    const stopAsked = Date.now();
    await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: gone.taskArn ?? '' }));
    const stopped = await untilAnswered([endpointOf(kept, hosts)], stopAsked);
    console.log(`DNS view: a stopped task left both agents' SRV answers ${stopped} ms after StopTask`);
    expect(stopped).toBeLessThan(GOAL_MS);
  });
});
