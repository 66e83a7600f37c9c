import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerDefinition,
  type NetworkConfiguration,
  type NetworkMode,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { taskWaiter } from '../support/task-wait.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'awsvpc-e2e';
/** A subnet of the test's own, so the agent's option is what gives the address. */
const SUBNET_PREFIX = '10.214.0.';

/** Serves `ok` on every address at 8080, and `local` on 127.0.0.1:8081 only. */
const WEB = [
  'sh',
  '-c',
  'echo ok > /tmp/index.html && mkdir -p /tmp/l && echo local > /tmp/l/index.html && ' +
    'httpd -p 127.0.0.1:8081 -h /tmp/l && exec httpd -f -p 8080 -h /tmp',
];

/** Fetches the loopback-only server of the other container, retrying for a minute. */
const LOCAL_CLIENT = [
  'sh',
  '-c',
  'for i in $(seq 1 60); do if wget -q -O - http://127.0.0.1:8081/ | grep -q local; then exit 0; fi; sleep 1; done; exit 1',
];

type Failure = { name: string; message: string; $metadata: { httpStatusCode: number } };

async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args)).stdout.trim();
}

/** awsvpc: one address per task on the host's network, its containers sharing localhost. */
describe('awsvpc task networking on a real engine', { timeout: 240_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;
  let image: string;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 0);
    ({ berth, image } = cluster);
    await docker('network', 'rm', 'berth-awsvpc').catch(() => undefined);
    await cluster.addAgent({ awsvpcSubnet: `${SUBNET_PREFIX}0/24` });
  });
  afterAll(async () => {
    await cluster?.stop();
    await docker('network', 'rm', 'berth-awsvpc').catch(() => undefined);
  });

  async function register(
    family: string,
    containers: Omit<ContainerDefinition, 'image'>[],
    networkMode: NetworkMode = 'awsvpc',
  ) {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode,
        containerDefinitions: containers.map((c) => ({ image, memory: 16, ...c })),
      }),
    );
  }

  const until = (arn: string, ok: (t: Task) => boolean, what: string) =>
    taskWaiter(berth.ecs, CLUSTER).until(arn, ok, what);
  const exitOf = (name: string) => (t: Task) => t.containers?.find((c) => c.name === name)?.exitCode;
  const detail = (t: Task, name: string) => t.attachments?.[0]?.details?.find((d) => d.name === name)?.value;

  it('gives the task an address of its own that answers from the host, its containers sharing localhost', async () => {
    await register('pair', [
      { name: 'web', command: WEB, portMappings: [{ containerPort: 8080, hostPort: 8080 }] },
      { name: 'client', essential: false, command: LOCAL_CLIENT },
    ]);
    const networkConfiguration: NetworkConfiguration = {
      awsvpcConfiguration: { subnets: ['subnet-0a1b'], securityGroups: ['sg-0c2d'], assignPublicIp: 'DISABLED' },
    };
    // Two tasks on one host, each on containerPort 8080 = hostPort 8080: awsvpc ports take no host port.
    const out = await berth.ecs.send(
      new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'pair', count: 2, networkConfiguration }),
    );
    expect(out.failures).toEqual([]);
    expect(out.tasks?.[0]?.attachments?.[0]).toMatchObject({ type: 'ElasticNetworkInterface', status: 'PRECREATED' });
    const arns = (out.tasks ?? []).map((t) => t.taskArn ?? '');
    expect(arns).toHaveLength(2);

    const tasks = await Promise.all(
      arns.map((arn) =>
        until(arn, (t) => exitOf('client')(t) !== undefined || t.lastStatus === 'STOPPED', 'the client to finish'),
      ),
    );
    const addresses: string[] = [];
    for (const task of tasks) {
      // The other container reached the loopback-only server: one namespace.
      expect({ exit: exitOf('client')(task), status: task.lastStatus }).toEqual({ exit: 0, status: 'RUNNING' });
      const attachment = task.attachments?.[0];
      expect(attachment).toMatchObject({ type: 'ElasticNetworkInterface', status: 'ATTACHED' });
      const address = detail(task, 'privateIPv4Address') ?? '';
      expect(address.startsWith(SUBNET_PREFIX)).toBe(true);
      expect(detail(task, 'subnetId')).toBe('subnet-0a1b');
      expect(detail(task, 'networkInterfaceId')).toMatch(/^eni-[0-9a-f]{17}$/);
      expect(detail(task, 'macAddress')).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(detail(task, 'privateDnsName')).toBe(`ip-${address.replaceAll('.', '-')}`);
      for (const container of task.containers ?? []) {
        expect(container.networkInterfaces).toEqual([{ attachmentId: attachment?.id, privateIpv4Address: address }]);
      }
      addresses.push(address);

      const body = await waitFor(async () => (await fetch(`http://${address}:8080/`).catch(() => undefined))?.text(), {
        what: 'the task address to answer from the host',
      });
      expect(body?.trim()).toBe('ok');
    }
    expect(new Set(addresses).size).toBe(2);

    const first = arns[0] ?? '';
    const taskId = first.split('/').pop() ?? '';
    await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: first }));
    const stopped = await until(first, (t) => t.lastStatus === 'STOPPED', 'STOPPED');
    expect(stopped.attachments?.[0]?.status).toBe('DELETED');
    // Its containers, and with them its namespace and its endpoint on the network, go after the cleanup delay.
    const gone = await waitFor(
      async () =>
        (await docker('ps', '-aq', '--filter', `label=com.berth.task-id=${taskId}`)) === '' ? true : undefined,
      { timeoutMs: 90_000, what: "the stopped task's containers to be removed" },
    );
    expect(gone).toBe(true);
    const endpoints = await docker('network', 'inspect', 'berth-awsvpc', '--format', '{{json .Containers}}');
    expect(endpoints).not.toContain(addresses[0]);
    expect(endpoints).toContain(addresses[1]);
    expect(await docker('network', 'inspect', 'berth-awsvpc', '--format', '{{json .Labels}}')).toContain(
      '"com.berth.network":"awsvpc"',
    );
  });

  it('passes dnsServers and dnsSearchDomains to the engine, in bridge mode and for an awsvpc task', async () => {
    const check = (...lines: string[]) => [
      'sh',
      '-c',
      lines.map((line) => `grep -q '^${line}$' /etc/resolv.conf`).join(' && '),
    ];
    await register(
      'dns-bridge',
      [
        {
          name: 'app',
          dnsServers: ['192.0.2.53'],
          dnsSearchDomains: ['corp.example'],
          command: check('nameserver 192.0.2.53', 'search corp.example'),
        },
      ],
      'bridge',
    );
    await register('dns-awsvpc', [
      { name: 'app', command: ['sleep', '600'] },
      { name: 'side', essential: false, dnsSearchDomains: ['corp.example'], command: check('search corp.example') },
    ]);
    const bridge = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'dns-bridge' }));
    const awsvpc = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'dns-awsvpc' }));
    const bridgeArn = bridge.tasks?.[0]?.taskArn ?? '';
    const awsvpcArn = awsvpc.tasks?.[0]?.taskArn ?? '';
    const bridgeTask = await until(bridgeArn, (t) => t.lastStatus === 'STOPPED', 'the bridge check to stop');
    expect(exitOf('app')(bridgeTask)).toBe(0);
    // The joining container shares the holder's resolv.conf, which carries the whole task's settings.
    const awsvpcTask = await until(awsvpcArn, (t) => exitOf('side')(t) !== undefined, 'the awsvpc check to finish');
    expect(exitOf('side')(awsvpcTask)).toBe(0);
    await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: awsvpcArn }));
  });

  it.each<[string, Omit<ContainerDefinition, 'image'>[], string]>([
    [
      'a hostPort other than its containerPort',
      [{ name: 'web', portMappings: [{ containerPort: 8080, hostPort: 9090 }] }],
      'host ports and container ports in port mappings must match',
    ],
    ['links', [{ name: 'web' }, { name: 'app', links: ['web'] }], 'Links are not supported when networkMode=awsvpc'],
    [
      'extraHosts',
      [{ name: 'web', extraHosts: [{ hostname: 'db', ipAddress: '192.0.2.9' }] }],
      'extraHosts is not supported on container when networkMode=awsvpc.',
    ],
  ])('refuses an awsvpc task definition with %s, writing nothing', async (_, containers, message) => {
    const family = `bad-awsvpc-${message.length}`;
    const error = await register(family, containers).catch((e: unknown) => e as Failure);
    expect(error).toMatchObject({ name: 'ClientException', $metadata: { httpStatusCode: 400 } });
    expect((error as Failure).message).toContain(message);
    const listed = await berth.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
    expect(listed.taskDefinitionArns).toEqual([]);
  });

  it.each<[string, NetworkMode, NetworkConfiguration, string]>([
    [
      'a network configuration for a bridge task definition',
      'bridge',
      { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      'Network Configuration is not valid for the given networkMode of this task definition.',
    ],
    [
      'a public IP',
      'awsvpc',
      { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' } },
      'Assign public IP is not supported for this launch type.',
    ],
    ['no subnets', 'awsvpc', { awsvpcConfiguration: { subnets: [] } }, 'subnets can not be empty.'],
  ])('refuses RunTask with %s, starting nothing', async (_, networkMode, networkConfiguration, message) => {
    const family = `launch-${networkMode}`;
    await register(family, [{ name: 'app', command: ['sleep', '600'] }], networkMode);
    const error = await berth.ecs
      .send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: family, networkConfiguration }))
      .catch((e: unknown) => e as Failure);
    expect(error).toMatchObject({ name: 'InvalidParameterException', message, $metadata: { httpStatusCode: 400 } });
    const listed = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, family }));
    expect(listed.taskArns).toEqual([]);
  });
});
