import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess } from '../support/agent-process.ts';
import { removeClusterContainers } from '../support/agents.ts';
import { awsEcs } from '../support/aws-cli.ts';
import { freePort } from '../support/aws-endpoint.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { commandLine, descendantPids, isAlive } from '../support/process-tree.ts';
import { requestRegistrationToken } from '../support/registration-token.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'aws-local';

interface Banner {
  readonly endpoint: string;
  readonly emulator: string;
  readonly region: string;
  readonly table: string;
  readonly kmsKeyId: string;
}

/** What the banner tells a user: the endpoint, and the emulator, table and key `berth bootstrap` needs. */
function readBanner(stdout: string): Banner | undefined {
  const endpoint = /Endpoint \(the function URL\):\s+(\S+)/.exec(stdout)?.[1];
  const emulator = /AWS_ENDPOINT_URL=(\S+) AWS_REGION=(\S+)/.exec(stdout);
  const names = /bootstrap --table (\S+) --kms-key-id (\S+)/.exec(stdout);
  if (!endpoint || !emulator?.[1] || !emulator[2] || !names?.[1] || !names[2]) return undefined;
  return { endpoint, emulator: emulator[1], region: emulator[2], table: names[1], kmsKeyId: names[2] };
}

/**
 * `npm run start:aws-local` as a user runs it: its own process, the banner's
 * bootstrap command for the first key, the AWS CLI and a real agent against
 * the endpoint it prints, then SIGTERM ends it and every process it started.
 */
describe('npm run start:aws-local', { timeout: 240_000 }, () => {
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let exited: Promise<number | string | null>;
  let banner: Banner;
  let key: { accessKeyId: string; secretAccessKey: string };
  let sdk: ECSClient;
  let agent: AgentProcess | undefined;

  beforeAll(async () => {
    const port = await freePort();
    child = spawn('npm', ['run', 'start:aws-local', '--', '--port', String(port), '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a failed run can be cleaned up as a whole.
      detached: true,
      env: { ...process.env, AWS_ENDPOINT_URL: '' },
    });
    exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const early = exited.then((code) => {
      throw new Error(`start:aws-local exited (${code}) before its banner:\n${stdout}\n${stderr}`);
    });
    banner = await Promise.race([
      waitFor(async () => readBanner(stdout), { timeoutMs: 180_000, what: 'the start:aws-local banner' }),
      early,
    ]);
    expect(banner.endpoint).toBe(`http://127.0.0.1:${port}`);
  }, 200_000);

  afterAll(async () => {
    await agent?.destroy().catch(() => undefined);
    sdk?.destroy();
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    await removeClusterContainers(CLUSTER);
  });

  it('creates the first key with the command its banner prints', async () => {
    const { stdout: out } = await run(
      process.execPath,
      ['bin/berth.js', 'bootstrap', '--table', banner.table, '--kms-key-id', banner.kmsKeyId, '--json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ENDPOINT_URL: banner.emulator,
          AWS_REGION: banner.region,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
        },
      },
    );
    const created = JSON.parse(out) as { accessKey?: typeof key };
    if (!created.accessKey) throw new Error(`bootstrap created no key: ${out}`);
    key = created.accessKey;
    sdk = new ECSClient({ endpoint: banner.endpoint, region: 'us-east-1', credentials: key });
    expect(key.accessKeyId).toMatch(/\S/);
  });

  it('takes a cluster, a task definition and an agent, and runs a task to RUNNING', async () => {
    const target = { endpoint: banner.endpoint, credentials: key };
    const created = (await awsEcs(target, 'create-cluster', '--cluster-name', CLUSTER)) as {
      cluster: { status: string };
    };
    expect(created.cluster.status).toBe('ACTIVE');
    const image = await ensureBusyboxImage();
    const registered = (await awsEcs(
      target,
      'register-task-definition',
      '--family',
      'aws-local',
      '--container-definitions',
      JSON.stringify([{ name: 'app', image, memory: 32, command: ['sleep', '3600'], stopTimeout: 1 }]),
    )) as { taskDefinition: { revision: number } };
    expect(registered.taskDefinition.revision).toBe(1);

    agent = new AgentProcess({
      endpoint: banner.endpoint,
      cluster: CLUSTER,
      registrationToken: () => requestRegistrationToken(banner.endpoint, key, CLUSTER),
    });
    const instanceId = await agent.start();
    const instances = (await awsEcs(target, 'list-container-instances', '--cluster', CLUSTER)) as {
      containerInstanceArns: string[];
    };
    expect(instances.containerInstanceArns.map((arn) => arn.split('/').pop())).toEqual([instanceId]);

    const started = (await awsEcs(target, 'run-task', '--cluster', CLUSTER, '--task-definition', 'aws-local')) as {
      tasks: { taskArn: string }[];
    };
    const arn = started.tasks[0]?.taskArn ?? '';
    const running = await waitFor(
      async () => {
        const described = await sdk.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }));
        const task = described.tasks?.[0];
        return task?.lastStatus === 'RUNNING' ? task : undefined;
      },
      { timeoutMs: 120_000, what: 'the task RUNNING' },
    );
    expect(running.containers?.[0]?.runtimeId).toMatch(/\S/);
  });

  it('stops on SIGTERM with exit code 0, leaving none of the processes it started running', async () => {
    const pid = child.pid ?? 0;
    const processes = descendantPids(pid);
    // moto server and at least the api's execution environment run under it.
    expect(processes.length).toBeGreaterThanOrEqual(3);
    // The harness itself: the innermost process running main.ts (npm and tsx's CLI sit above it).
    const harness = processes.filter((p) => commandLine(p).includes('lambda-harness/main.ts')).at(-1);
    if (harness === undefined) throw new Error(`no harness process among ${processes.join(', ')}`);
    // Signalled alone (as `kill` or a process manager would), it must end what it started itself.
    process.kill(harness, 'SIGTERM');
    expect(await exited).toBe(0);
    await waitFor(async () => (processes.some(isAlive) ? undefined : true), {
      timeoutMs: 30_000,
      what: `the processes ${processes.join(', ')} to end`,
    });
    expect(processes.filter(isAlive)).toEqual([]);
    expect(stderr).not.toMatch(/Error|unhandled/i);
  });
});
