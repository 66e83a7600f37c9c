import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

export const HAPROXY = '/usr/sbin/haproxy';

export interface TestHaproxy {
  /** The frontend's address, e.g. http://127.0.0.1:8123/. */
  readonly url: string;
  /** Each backend server's state as HAProxy's stats say it: `addr` (ip:port) to status (UP, DOWN, MAINT, ...). */
  servers(): Promise<Map<string, string>>;
  stop(): Promise<void>;
}

/** Starts Debian's HAProxy, unmodified, on a config the caller writes; waits until its frontend answers. */
export async function startHaproxy(config: string, frontendPort: number, statsPort: number): Promise<TestHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-haproxy-'));
  const path = join(dir, 'haproxy.cfg');
  writeFileSync(path, config);
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stats = `http://127.0.0.1:${statsPort}/stats;csv`;
  await waitFor(async () => ((await fetch(stats)).ok ? true : undefined), {
    timeoutMs: 10_000,
    what: `HAProxy to start (${stderr})`,
  });
  return {
    url: `http://127.0.0.1:${frontendPort}/`,
    async servers() {
      const [header = '', ...rows] = (await (await fetch(stats)).text()).split('\n');
      const columns = header.replace(/^# /, '').split(',');
      const at = (name: string) => columns.indexOf(name);
      const states = new Map<string, string>();
      for (const row of rows.map((r) => r.split(','))) {
        const addr = row[at('addr')];
        if (row[at('svname')]?.startsWith('web') && addr) states.set(addr, row[at('status')] ?? '');
      }
      return states;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
