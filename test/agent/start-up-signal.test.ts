import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';

const launcher = join(process.cwd(), 'bin', 'berth-agent.js');
const scratch = mkdtempSync(join(tmpdir(), 'berth-start-signal-'));

describe('berth-agent stopped while it starts', { timeout: 120_000 }, () => {
  // A control plane that takes the registration and never answers: the agent stays in start-up.
  const heard: IncomingMessage[] = [];
  const silent = createServer((req) => heard.push(req));
  afterAll(() => {
    silent.closeAllConnections();
    silent.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`ends with status 0 on ${signal}, not killed half-way`, async () => {
      if (!silent.listening) await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const before = heard.length;
      const child = spawn(
        process.execPath,
        [
          launcher,
          ...['--endpoint', endpoint, '--cluster', 'starting', '--registration-token', 'brt1_never-answered'],
          ...['--state-dir', mkdtempSync(join(scratch, 'state-')), '--no-imds'],
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_ENDPOINT_URL: '' } },
      );
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.once('exit', (code, signalCode) => resolve({ code, signal: signalCode })),
      );
      try {
        await waitFor(() => (heard.length > before ? true : undefined), {
          timeoutMs: 60_000,
          what: `the registration request (agent said: ${output})`,
        });
        // The registration: POST .../clusters/NAME/instances.
        expect(heard.at(-1)?.url).toBe('/agent/v1/clusters/starting/instances');
        child.kill(signal);
        expect(await exited).toEqual({ code: 0, signal: null });
        expect(output).toContain('Stopping on signal during start-up');
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });
  }
});
