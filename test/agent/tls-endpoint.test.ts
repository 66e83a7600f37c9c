import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthWithCluster, type TestBerth } from '../support/berth.ts';
import { forward } from '../support/forward.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'tls-endpoint';
const launcher = join(process.cwd(), 'bin', 'berth-agent.js');
const scratch = mkdtempSync(join(tmpdir(), 'berth-tls-'));
const certFile = join(scratch, 'cert.pem');
const keyFile = join(scratch, 'key.pem');

/** A TLS front for dev mode with a self-signed certificate for localhost and 127.0.0.1. */
function tlsProxy(target: string): Promise<Server> {
  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) =>
    forward(target, req, res),
  );
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface Exited {
  readonly code: number | null;
  readonly stderr: string;
}

/** berth-agent as its own process; resolves `exited` when it ends. */
function agent(args: string[]): { child: ChildProcess; exited: Promise<Exited> } {
  const child = spawn(process.execPath, [launcher, ...args, '--no-imds', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWS_ENDPOINT_URL: '' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
  const exited = new Promise<Exited>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  return { child, exited };
}

describe('berth-agent and the control plane’s certificate', { timeout: 120_000 }, () => {
  let berth: TestBerth;
  let proxy: Server;
  let endpoint: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]);
    berth = await startBerthWithCluster(CLUSTER);
    proxy = await tlsProxy(berth.endpoint);
    endpoint = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  /** The flags of a first start against the TLS front. */
  const joining = (stateDir: string, token: string): string[] => [
    '--endpoint',
    endpoint,
    '--cluster',
    CLUSTER,
    '--state-dir',
    stateDir,
    '--registration-token',
    token,
  ];
  afterAll(async () => {
    // A child that ended on a signal has no exit code, only a signal code.
    const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
    const exits = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of running) child.kill('SIGKILL');
    await Promise.all(exits);
    proxy?.close();
    await berth?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses plain HTTP to a host that is not loopback before sending anything', async () => {
    const started = agent(['--endpoint', 'http://10.1.2.3:4566', '--cluster', CLUSTER, '--state-dir', scratch]);
    children.push(started.child);
    const exited = await started.exited;
    expect(exited.code).toBe(2);
    expect(exited.stderr).toContain('refusing to send the registration token and instance credentials over plain HTTP');
    expect(exited.stderr).toContain('--allow-insecure-http');
  });

  it('stops with a clear message on a self-signed certificate it was not given', async () => {
    const stateDir = mkdtempSync(join(scratch, 'state-'));
    const token = await berth.registrationToken(CLUSTER);
    const started = agent([...joining(stateDir, token)]);
    children.push(started.child);
    const exited = await started.exited;
    expect(exited.code).toBe(1);
    expect(exited.stderr).toContain("the control plane's TLS certificate is not trusted (self-signed certificate");
    expect(exited.stderr).toContain('--ca-file');
    expect(existsSync(join(stateDir, 'identity.json'))).toBe(false);
  });

  it('registers over HTTPS when --ca-file names the certificate', async () => {
    const stateDir = mkdtempSync(join(scratch, 'state-'));
    const token = await berth.registrationToken(CLUSTER);
    const started = agent([...joining(stateDir, token), '--ca-file', certFile]);
    children.push(started.child);
    let gone: Exited | undefined;
    void started.exited.then((exited) => (gone = exited));
    await waitFor(
      () => {
        if (gone) throw new Error(`berth-agent exited: ${gone.stderr}`);
        return existsSync(join(stateDir, 'identity.json')) || undefined;
      },
      { timeoutMs: 60_000, what: 'the agent to register over HTTPS' },
    );
    const listed = await berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
    expect(listed.containerInstanceArns).toHaveLength(1);
    started.child.kill('SIGTERM');
    expect((await started.exited).code).toBe(0);
  });
});
