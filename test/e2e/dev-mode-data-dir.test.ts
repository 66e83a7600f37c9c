import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeClusterContainers } from '../support/agents.ts';
import {
  devMainReady,
  exitWithin,
  killDevMain,
  startDevMain,
  type DevMainProcess,
} from '../support/dev-main-process.ts';
import { waitFor } from '../support/wait.ts';

/** Every entry below `dir` with its permission bits, as `path: 0700`. */
function modes(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const mode = statSync(path).mode;
    found.push(`${path.slice(dir.length) || '/'}: ${(mode & 0o777).toString(8).padStart(4, '0')}`);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
}

/**
 * The data directory holds the table (keys, policies, sealed secrets), the
 * key that seals secrets and the agent's credential: for this user alone,
 * whether dev mode made it or found it open.
 */
describe('dev mode data directory', () => {
  const running: DevMainProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const run of running.splice(0)) await killDevMain(run);
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is made private: directories 0700, files 0600, including what was there and what Berth writes', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'berth-private-'));
    cleanups.push(async () => rmSync(parent, { recursive: true, force: true }));
    const dataDir = join(parent, 'data');
    // As an older Berth, or a hand, left it: readable by everyone.
    mkdirSync(join(dataDir, 'old'), { recursive: true });
    writeFileSync(join(dataDir, 'old', 'notes.txt'), 'x');
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'old'), 0o755);
    chmodSync(join(dataDir, 'old', 'notes.txt'), 0o644);
    const cluster = `private-${Date.now()}`;
    cleanups.push(() => removeClusterContainers(cluster));

    const run = startDevMain(['--port', '0', '--data-dir', dataDir, '--cluster', cluster]);
    running.push(run);
    await devMainReady(run);
    await waitFor(() => (existsSync(join(dataDir, 'agent', 'identity.json')) ? true : undefined), {
      timeoutMs: 30_000,
      what: "the agent's identity in the data directory",
    });
    run.child.kill('SIGINT');
    expect(await exitWithin(run, 20_000)).toBe(0);

    const entries = modes(dataDir);
    expect(entries).toEqual(
      expect.arrayContaining(['/agent/identity.json: 0600', '/berth-secrets.key: 0600', '/old/notes.txt: 0600']),
    );
    expect(entries.filter((entry) => statSync(join(dataDir, entry.split(':')[0] ?? '')).isDirectory())).toEqual(
      entries.filter((entry) => entry.endsWith(': 0700')),
    );
    expect(entries.filter((entry) => !entry.endsWith(': 0700') && !entry.endsWith(': 0600'))).toEqual([]);
  });
});
