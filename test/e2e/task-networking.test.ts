import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerDefinition,
  type NetworkMode,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'network-e2e';

/** Serves `ok` on 8080, so a wget that gets an answer exits 0. */
const WEB = ['sh', '-c', 'echo ok > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'];

/**
 * `get NAME` resolves NAME with the engine's DNS and fetches port 8080 of
 * the address. This busybox's wget crashes on resolving a name itself (a
 * static build without NSS), so nslookup does the resolving.
 */
const GET =
  'get() { ip=$(nslookup "$1" 2>/dev/null | sed -n "s/^Address: *\\([0-9.]*\\)$/\\1/p" | tail -1); ' +
  '[ -n "$ip" ] && wget -O /dev/null "http://$ip:8080/" 2>/dev/null; }';

/** Tries a shell check once a second for a minute; the container's exit code is the verdict. */
const retrying = (check: string) => [
  'sh',
  '-c',
  `${GET}; for i in $(seq 1 60); do if ${check}; then exit 0; fi; sleep 1; done; exit 1`,
];

async function networksLabelled(label: string): Promise<string[]> {
  const { stdout } = await run('docker', ['network', 'ls', '-q', '--filter', `label=${label}`]);
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

/** Containers of one task reach each other by name; tasks do not reach each other's. */
describe('task networking on a real engine', { timeout: 180_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;
  let image: string;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    ({ berth, image } = cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
    const left = await networksLabelled(`com.berth.cluster=${CLUSTER}`).catch(() => []);
    if (left.length > 0) await run('docker', ['network', 'rm', ...left]).catch(() => undefined);
  });

  async function runTask(family: string, containers: Omit<ContainerDefinition, 'image'>[]): Promise<string> {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: containers.map((c) => ({ image, memory: 16, ...c })),
      }),
    );
    const out = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: family }));
    expect(out.failures).toEqual([]);
    return out.tasks?.[0]?.taskArn ?? '';
  }

  const until = (arn: string, ok: (t: Task) => boolean, what: string) =>
    waitFor(
      async () => {
        const out = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }));
        const task = out.tasks?.[0];
        return task && ok(task) ? task : undefined;
      },
      { timeoutMs: 120_000, what },
    );
  const exitOf = (name: string) => (t: Task) => t.containers?.find((c) => c.name === name)?.exitCode;

  it('lets the containers of a task talk by name and by link alias, and removes their network after', async () => {
    const arn = await runTask('pair', [
      { name: 'web', command: WEB, portMappings: [{ containerPort: 8080, hostPort: 0 }] },
      {
        name: 'client',
        essential: false,
        links: ['web:database'],
        command: retrying('get web && get database'),
      },
    ]);
    const task = await until(
      arn,
      (t) => exitOf('client')(t) !== undefined || t.lastStatus === 'STOPPED',
      'the client to finish',
    );
    expect({ exit: exitOf('client')(task), reason: task.containers?.map((c) => c.reason) }).toEqual({
      exit: 0,
      reason: [undefined, undefined],
    });
    expect(task.lastStatus).toBe('RUNNING');

    // A port published on the task's own network still answers on the host.
    const hostPort = task.containers?.find((c) => c.name === 'web')?.networkBindings?.[0]?.hostPort;
    expect(hostPort).toBeGreaterThan(0);
    const body = await waitFor(
      async () => (await fetch(`http://127.0.0.1:${hostPort}/`).catch(() => undefined))?.text(),
      { what: 'the published port to answer' },
    );
    expect(body?.trim()).toBe('ok');

    const taskId = arn.split('/').pop() ?? '';
    expect(await networksLabelled(`com.berth.task-id=${taskId}`)).toHaveLength(1);
    await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn }));
    await until(arn, (t) => t.lastStatus === 'STOPPED', 'STOPPED');
    const gone = await waitFor(
      async () => ((await networksLabelled(`com.berth.task-id=${taskId}`)).length === 0 ? true : undefined),
      { timeoutMs: 60_000, what: 'the task network to be removed' },
    );
    expect(gone).toBe(true);
  });

  it('keeps one task from resolving the containers of another', async () => {
    // Two containers each, so each task has a network of its own (one container stays on the default bridge).
    const idle = { name: 'peer', command: ['sleep', '600'], essential: false };
    const server = await runTask('lonely-server', [{ name: 'web', command: WEB }, idle]);
    await until(server, (t) => t.lastStatus === 'RUNNING', 'the server RUNNING');
    const runtimeName = `berth-${server.split('/').pop() ?? ''}-web`;
    // Its own task's names resolve (the control); the other task's names never do.
    const probe = await runTask('prober', [
      {
        name: 'probe',
        command: [
          'sh',
          '-c',
          `nslookup peer >/dev/null || exit 2; if nslookup web >/dev/null || nslookup ${runtimeName} >/dev/null; then exit 1; fi; exit 0`,
        ],
      },
      idle,
    ]);
    const task = await until(probe, (t) => t.lastStatus === 'STOPPED', 'the probe STOPPED');
    expect(exitOf('probe')(task)).toBe(0);
    await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: server }));
  });

  it.each<[string, NetworkMode | undefined, Omit<ContainerDefinition, 'image'>[], string]>([
    ['a link to a container not in the task', undefined, [{ name: 'app', links: ['db:database'] }], "links to 'db'"],
    [
      'links in host mode',
      'host',
      [{ name: 'web' }, { name: 'app', links: ['web'] }],
      'Links are not supported when networkMode=host',
    ],
  ])('refuses %s at registration, writing nothing', async (_, networkMode, containers, message) => {
    const family = `bad-network-${message.length}`;
    const error = await berth.ecs
      .send(
        new RegisterTaskDefinitionCommand({
          family,
          ...(networkMode ? { networkMode } : {}),
          containerDefinitions: containers.map((c) => ({ image, memory: 16, ...c })),
        }),
      )
      .catch((e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
    expect(error).toMatchObject({ name: 'ClientException', $metadata: { httpStatusCode: 400 } });
    expect((error as { message: string }).message).toContain(message);
    const listed = await berth.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
    expect(listed.taskDefinitionArns).toEqual([]);
  });

  it('reports each host address as the berth.host.address attribute', async () => {
    const attribute = async (arn: string | undefined) => {
      const out = await berth.ecs.send(
        new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [arn ?? ''] }),
      );
      return out.containerInstances?.[0]?.attributes?.find((a) => a.name === 'berth.host.address')?.value;
    };
    // Off EC2 and unconfigured: the address of the interface the default route leaves by.
    const own = Object.values(networkInterfaces())
      .flat()
      .flatMap((a) => (a && a.family === 'IPv4' && !a.internal ? [a.address] : []));
    expect(own).toContain(await attribute(cluster.agents[0]?.containerInstanceArn));
    const configured = await cluster.addAgent({ hostAddress: '192.0.2.7' });
    expect(await attribute(configured.containerInstanceArn)).toBe('192.0.2.7');
  });
});
