import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

export const CADDY = '/usr/bin/caddy';

export interface TestCaddy {
  /** The site's address, e.g. http://127.0.0.1:8123/. */
  readonly url: string;
  /** What Caddy wrote to stderr so far (its log). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's Caddy, unmodified, as a child process on a Caddyfile the
 * caller writes (no systemd; its data and config directories in a temporary
 * directory); waits until its site port accepts connections.
 */
export async function startCaddy(caddyfile: string, port: number): Promise<TestCaddy> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-caddy-'));
  const path = join(dir, 'Caddyfile');
  writeFileSync(path, caddyfile);
  const child: ChildProcess = spawn(CADDY, ['run', '--config', path, '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = await waitFor<'listening' | 'exited'>(
    async () => (child.exitCode !== null ? 'exited' : accepts(port)),
    {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: `Caddy to listen on ${port}`,
    },
  );
  if (started === 'exited') throw new Error(`Caddy exited ${child.exitCode}: ${stderr}`);
  return {
    url: `http://127.0.0.1:${port}/`,
    log: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function accepts(port: number): Promise<'listening' | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('listening');
    });
    socket.once('error', () => resolve(undefined));
  });
}
