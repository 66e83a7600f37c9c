import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/aws-endpoint.ts';
import { waitFor } from '../support/wait.ts';
import { signedFetch } from '#cli/signed-fetch.ts';

const execFileAsync = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const MAIN = join(process.cwd(), 'functions/runtime/dev-main.ts');

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function startMain(args: string[]): Run {
  const child = spawn(TSX, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_ENDPOINT_URL: '' },
  });
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stdout?.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}

/** `npm start` as a user runs it: the dev-mode entry point in its own process. */
describe('dev mode entry point', () => {
  const running: Run[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) {
      r.child.kill('SIGTERM');
      await r.exited;
    }
  });

  // Starting dev mode compiles its sources with tsx: seconds alone, much longer on a busy machine.
  it('prints its endpoint and serves the ECS API there', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const run = startMain(['--port', String(port), '--no-agent']);
    running.push(run);
    await waitFor(() => (run.stdout.includes('Berth is running') ? true : undefined), {
      timeoutMs: 90_000,
      what: 'the banner',
    });
    expect(run.stdout).toContain(`endpoint: http://127.0.0.1:${port}`);
    expect(run.stdout).toContain('aws ecs create-cluster');
    const key = /AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/.exec(run.stdout);
    expect(key).not.toBeNull();
    const unsigned = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    const signed = signedFetch({
      credentials: { accessKeyId: key?.[1] ?? '', secretAccessKey: key?.[2] ?? '' },
      region: 'us-east-1',
    });
    const response = await signed(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(await response.json()).toEqual({ clusterArns: [] });

    // The printed export line is all the AWS CLI needs (v1 reads only AWS_DEFAULT_REGION).
    const line = /^\s*export (.+)$/m.exec(run.stdout)?.[1] ?? '';
    const exported = Object.fromEntries(line.split(' ').map((pair) => pair.split('=') as [string, string]));
    expect(Object.keys(exported).sort()).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_DEFAULT_REGION',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY',
    ]);
    const home = mkdtempSync(join(tmpdir(), 'berth-cli-home-'));
    try {
      const cli = await execFileAsync(
        process.env.BERTH_AWS_CLI ?? 'aws',
        ['ecs', 'list-clusters', '--endpoint-url', `http://127.0.0.1:${port}`, '--output', 'json'],
        {
          env: { PATH: process.env.PATH, HOME: home, AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1', ...exported },
        },
      );
      expect(JSON.parse(cli.stdout)).toEqual({ clusterArns: [] });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('says in one line that the port is taken, and exits non-zero', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const run = startMain(['--port', String(port), '--no-agent']);
      expect(await run.exited).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringContaining(`Port ${port} on 127.0.0.1 is already in use`),
      ]);
    } finally {
      blocker.close();
    }
  });

  it('says in one line that the data directory is unusable, and exits non-zero', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'berth-')), 'not-a-dir');
    writeFileSync(file, 'x');
    const run = startMain(['--port', '0', '--no-agent', '--data-dir', file]);
    expect(await run.exited).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^berth: .*not-a-dir/);
  });
});
