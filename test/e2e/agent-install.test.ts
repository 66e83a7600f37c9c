import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgent } from '#infra/bundle-agent.ts';
import { removeClusterContainers } from '../support/agents.ts';
import { startBerthWithCluster, type TestBerth } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'agent-install';
const SCRIPT = join(process.cwd(), 'infra', 'agent-install', 'install.sh');
const scratch = mkdtempSync(join(tmpdir(), 'berth-agent-install-'));
const bundleV1 = join(scratch, 'v1', 'berth-agent.mjs');
const bundleV2 = join(scratch, 'v2', 'berth-agent.mjs');

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** install.sh run to its end (not --foreground). */
function install(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile('sh', [SCRIPT, '--node', process.execPath, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** install.sh --foreground: installs, then becomes the agent (exec), as on a host without systemd. */
class ForegroundAgent {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output = '';
  constructor(args: string[]) {
    this.child = spawn('sh', [SCRIPT, '--node', process.execPath, ...args, '--foreground', '--', '--no-imds'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_ENDPOINT_URL: '' },
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-32_000));
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }
  /** Resolves once the output contains `text`; fails if the agent exits first. */
  async said(text: string): Promise<void> {
    let code: number | null | undefined;
    void this.exited.then((c) => (code = c));
    await waitFor(
      () => {
        if (this.output.includes(text)) return true;
        if (code !== undefined) throw new Error(`exited ${code} before saying ${text}:\n${this.output}`);
        return undefined;
      },
      { timeoutMs: 90_000, what: `berth-agent to say ${text}` },
    );
  }
}

/** Every file under `dir`, relative; [] when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length));
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('installing berth-agent on a host with install.sh', { timeout: 300_000 }, () => {
  let berth: TestBerth;
  const prefix = join(scratch, 'root');
  const stateDir = join(prefix, 'var', 'lib', 'berth-agent');
  const etc = join(prefix, 'etc', 'berth-agent');
  const tokenFile = join(scratch, 'token');
  const agents: ForegroundAgent[] = [];
  let agent: ForegroundAgent;
  let taskArn = '';

  const instanceId = (dir = stateDir): string | undefined => {
    try {
      return (JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8')) as { instanceId?: string }).instanceId;
    } catch {
      return undefined;
    }
  };
  const describeTask = async (): Promise<Task | undefined> =>
    (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }))).tasks?.[0];
  const start = (args: string[]): ForegroundAgent => {
    const started = new ForegroundAgent(args);
    agents.push(started);
    return started;
  };

  /** The flags of a first install that only installs. */
  const firstInstall = (endpoint: string, root: string): string[] => [
    '--endpoint',
    endpoint,
    '--cluster',
    CLUSTER,
    '--token-file',
    tokenFile,
    '--prefix',
    root,
    '--no-start',
  ];

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    await bundleAgent(bundleV1);
    // A "newer release": the same agent, a different file.
    await bundleAgent(bundleV2);
    writeFileSync(bundleV2, `${readFileSync(bundleV2, 'utf8')}\n// release 2\n`);
    berth = await startBerthWithCluster(CLUSTER);
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'installed',
        containerDefinitions: [{ name: 'app', image, memory: 32, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    writeFileSync(tokenFile, `${await berth.registrationToken(CLUSTER)}\n`);
  });
  afterAll(async () => {
    // Agents first: dev mode must not be answering a poll while it closes its store.
    for (const started of agents) if (started.child.exitCode === null) started.child.kill('SIGKILL');
    await Promise.all(agents.map((started) => started.exited));
    await berth?.stop();
    await removeClusterContainers(CLUSTER);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('installs the bundle, the unit and the token, registers and runs a task in a real container', async () => {
    const common = ['--endpoint', berth.endpoint, '--cluster', CLUSTER, '--prefix', prefix];
    agent = start([...common, '--token-file', tokenFile, '--bundle', bundleV1]);
    const id = await waitFor(() => instanceId(), { timeoutMs: 90_000, what: 'registration' });

    expect(readFileSync(join(prefix, 'opt', 'berth-agent', 'berth-agent.mjs'))).toEqual(readFileSync(bundleV1));
    const unit = readFileSync(join(prefix, 'etc', 'systemd', 'system', 'berth-agent.service'), 'utf8');
    expect(unit).toContain(
      `ExecStart=${process.execPath} --lite-mode --max-semi-space-size=1 ${prefix}/opt/berth-agent/berth-agent.mjs`,
    );
    expect(unit).toContain(`LoadCredential=registration-token:${etc}/registration-token`);
    expect(unit).not.toMatch(/@[A-Z]+@/);
    expect(JSON.parse(readFileSync(join(etc, 'agent.json'), 'utf8'))).toEqual({
      endpoint: berth.endpoint,
      cluster: CLUSTER,
      stateDir,
    });
    expect(statSync(join(etc, 'registration-token')).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);

    const instances = await berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
    expect(instances.containerInstanceArns).toHaveLength(1);
    expect(instances.containerInstanceArns?.[0]).toContain(id);

    const ran = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'installed' }));
    expect(ran.failures).toEqual([]);
    taskArn = ran.tasks?.[0]?.taskArn ?? '';
    const task = await waitFor(
      async () => ((await describeTask())?.lastStatus === 'RUNNING' ? describeTask() : undefined),
      {
        timeoutMs: 90_000,
        what: 'the task to run',
      },
    );
    expect(task?.containers?.[0]?.runtimeId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('upgrades in place: a newer bundle, the same instance, the task still running in the same container', async () => {
    const before = await describeTask();
    const id = instanceId();
    expect(before?.lastStatus).toBe('RUNNING');

    // No token this time: the host has an identity, and what was left of the token is emptied.
    const upgraded = await install([
      '--endpoint',
      berth.endpoint,
      '--cluster',
      CLUSTER,
      '--prefix',
      prefix,
      '--bundle',
      bundleV2,
      '--awslogs',
      'engine',
      '--no-start',
    ]);
    expect(upgraded).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(prefix, 'opt', 'berth-agent', 'berth-agent.mjs'))).toEqual(readFileSync(bundleV2));
    expect(JSON.parse(readFileSync(join(etc, 'agent.json'), 'utf8'))).toMatchObject({ awslogs: 'engine' });
    expect(readFileSync(join(etc, 'registration-token'), 'utf8')).toBe('');

    // What `systemctl restart berth-agent` does: stop the old agent (containers keep running), start the new one.
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    agent = start(['--endpoint', berth.endpoint, '--cluster', CLUSTER, '--prefix', prefix, '--bundle', bundleV2]);
    await agent.said('Re-attached as container instance');
    await agent.said('Agent started');

    expect(instanceId()).toBe(id);
    const instances = await berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
    expect(instances.containerInstanceArns).toHaveLength(1);
    const after = await describeTask();
    expect(after?.lastStatus).toBe('RUNNING');
    expect(after?.containers?.[0]?.runtimeId).toBe(before?.containers?.[0]?.runtimeId);
  });

  describe('bad input', () => {
    it.each([
      [['--cluster', CLUSTER], 'missing --endpoint URL'],
      [['--endpoint', 'http://127.0.0.1:1'], 'missing --cluster NAME'],
      [['--endpoint', '127.0.0.1:1', '--cluster', CLUSTER], '--endpoint must be an http:// or https:// URL'],
      [['--endpoint', 'http://127.0.0.1:1', '--cluster', CLUSTER, '--frobnicate'], 'unknown argument: --frobnicate'],
      [['--endpoint', 'http://127.0.0.1:1', '--cluster', CLUSTER, '--no-start'], 'missing --token-file FILE'],
      [['--endpoint', 'http://127.0.0.1:1', '--cluster', CLUSTER, '--token-file'], '--token-file needs a file'],
      [
        ['--endpoint', 'http://127.0.0.1:1', '--cluster', CLUSTER, '--awslogs', 'firelens'],
        '--awslogs must be agent, cloudwatch or engine: firelens',
      ],
      [
        ['--endpoint', 'http://10.1.2.3:4566', '--cluster', CLUSTER, '--token-file', tokenFile],
        'would send the token in clear text; use https:// or add --allow-insecure-http',
      ],
    ])('refuses %j, writing nothing', async (args, message) => {
      const fresh = mkdtempSync(join(scratch, 'bad-'));
      const ran = await install(['--prefix', fresh, '--bundle', bundleV1, ...args]);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain(message);
      expect(filesUnder(fresh)).toEqual([]);
    });

    it('refuses an unreachable endpoint before writing anything: no unit, no bundle, no token', async () => {
      const fresh = mkdtempSync(join(scratch, 'unreachable-'));
      const endpoint = `http://127.0.0.1:${await closedPort()}`;
      const ran = await install([...firstInstall(endpoint, fresh), '--bundle', bundleV1]);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain(`install.sh: cannot reach the control plane at ${endpoint}: connect ECONNREFUSED`);
      expect(filesUnder(fresh)).toEqual([]);
    });

    it('refuses a Node.js older than 22', async () => {
      const fresh = mkdtempSync(join(scratch, 'old-node-'));
      const oldNode = join(scratch, 'node18');
      writeFileSync(oldNode, '#!/bin/sh\ncase "$1" in -p) echo 18 ;; --version) echo v18.19.0 ;; esac\n', {
        mode: 0o755,
      });
      const ran = await install([...firstInstall(berth.endpoint, fresh), '--node', oldNode]);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain(`Node.js 22 or later is required; ${oldNode} is v18.19.0`);
      expect(filesUnder(fresh)).toEqual([]);
    });

    it.each([
      ['a used token', () => readFileSync(tokenFile, 'utf8')],
      ['an invalid token', () => 'not-a-registration-token'],
    ])('installs with %s, and the agent stops with the control plane’s refusal', async (_, token) => {
      const fresh = mkdtempSync(join(scratch, 'token-'));
      const file = join(fresh, 'token');
      writeFileSync(file, token());
      const refused = start([
        '--endpoint',
        berth.endpoint,
        '--cluster',
        CLUSTER,
        '--token-file',
        file,
        '--prefix',
        join(fresh, 'root'),
        '--bundle',
        bundleV1,
      ]);
      expect(await refused.exited).toBe(1);
      expect(refused.output).toContain("berth-agent: The control plane refused this agent's credentials");
      expect(refused.output).toContain('berth agents token --cluster NAME');
      expect(instanceId(join(fresh, 'root', 'var', 'lib', 'berth-agent'))).toBeUndefined();
    });
  });
});
