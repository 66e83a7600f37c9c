import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleAgent } from '#infra/bundle-agent.ts';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'berth-agent-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the agent bundle (npm run build:agent)', () => {
  it('loads every module and answers --help and a bad flag as the sources do', async () => {
    const outfile = join(scratch, 'berth-agent.mjs');
    await bundleAgent(outfile);
    // The agent checks what it reads with agent/check/: zod (about 4 MiB of
    // an idle agent's memory) must not come back in through an import.
    const code = readFileSync(outfile, 'utf8');
    expect(code).not.toMatch(/\$ZodType|node_modules\/zod\//);
    // The AWS SDK clients stay external and are imported when used: a static
    // import would load them at start and fail on a host installed without them.
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    // Built-ins only some agents use are taken on first use: a static import
    // is loaded at start and costs every agent resident memory.
    expect(code.match(/from\s*["']node:(crypto|dgram|child_process|https|tls)["']/g) ?? []).toEqual([]);
    // Built-ins every agent loads are read through process.getBuiltinModule, never an ES import, whose
    // namespace would load what their lazy exports stand for (fs.promises, util's diff, worker_threads).
    expect(code.match(/from\s*["']node:[a-z_/]+["']/g) ?? []).toEqual([]);
    expect(code).toMatch(/process\.getBuiltinModule\("node:fs"\)/);
    // The launcher that runs the bundle, in the same process, imports none either.
    const launcher = readFileSync(new URL('../../bin/berth-agent.js', import.meta.url), 'utf8');
    expect(launcher).not.toMatch(/^import .* from 'node:/m);

    const help = await run(process.execPath, ['--lite-mode', outfile, '--help']);
    expect(help.stdout).toMatch(/^Usage: berth-agent --endpoint URL --cluster NAME/);

    const bad = await run(process.execPath, [outfile, '--no-such-flag']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--no-such-flag'");
  }, 60_000);
});
