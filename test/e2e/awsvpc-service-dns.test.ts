import {
  CreateServiceCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { askDns, freePort, srvTargets } from '../support/dns-query.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'vpcsvc-dns';
const WEB = ['sh', '-c', 'echo ok > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'];

/**
 * An awsvpc service on a real engine: its tasks are launched with the
 * service's configuration and get an address of their own, which the DNS
 * view names with the container port. The agent reports no host address,
 * so only the task's own address can put it in the view.
 */
describe('an awsvpc service on a real engine', { timeout: 180_000 }, () => {
  let cluster: ContainerCluster;
  let dnsPort: number;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 0);
    dnsPort = await freePort();
    await cluster.addAgent({ dns: { address: '127.0.0.1', port: dnsPort } });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const detail = (t: Task, name: string) => t.attachments?.[0]?.details?.find((d) => d.name === name)?.value;

  it("attaches each task with the service's subnet, and answers SRV with the task address and container port", async () => {
    const { berth, image } = cluster;
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        networkMode: 'awsvpc',
        containerDefinitions: [
          { name: 'web', image, memory: 16, command: WEB, portMappings: [{ containerPort: 8080, protocol: 'tcp' }] },
        ],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0e1f'] } },
      }),
    );
    const tasks = await waitFor(
      async () => {
        const arns = (await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }))).taskArns;
        if (arns?.length !== 2) return undefined;
        const described = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks;
        const attached = (described ?? []).filter(
          (t) => t.lastStatus === 'RUNNING' && t.attachments?.[0]?.status === 'ATTACHED',
        );
        return attached.length === 2 ? attached : undefined;
      },
      { timeoutMs: 90_000, what: 'two RUNNING service tasks with attached interfaces' },
    );
    const addresses = tasks.map((t) => detail(t, 'privateIPv4Address') ?? '');
    expect(tasks.map((t) => detail(t, 'subnetId'))).toEqual(['subnet-0e1f', 'subnet-0e1f']);
    expect(new Set(addresses).size).toBe(2);
    for (const task of tasks) expect(task.containers?.[0]?.networkBindings ?? []).toEqual([]);

    const expected = addresses.map((a) => `${a.replaceAll('.', '-')}.hosts.${CLUSTER}.berth:8080`).sort();
    const answered = await waitFor(
      async () => {
        const got = srvTargets(await askDns(dnsPort, `_web._tcp.${CLUSTER}.berth`, 'SRV'));
        return JSON.stringify(got) === JSON.stringify(expected) ? got : undefined;
      },
      { timeoutMs: 30_000, what: `SRV answers ${expected.join(', ')}` },
    );
    expect(answered).toEqual(expected);
    const body = await waitFor(
      async () => (await fetch(`http://${addresses[0]}:8080/`).catch(() => undefined))?.text(),
      {
        what: 'the task address to answer from the host',
      },
    );
    expect(body?.trim()).toBe('ok');
  });
});
