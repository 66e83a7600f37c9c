import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, provisionerHandler } from '#infra/constructs/bundling.ts';

/**
 * The custom resource provider's bundle, as `npm run build` (and so `npm
 * pack`) writes it to dist/provisioner/ for installed packages: it loads in
 * a fresh node, exports the provider framework's two functions and fails a
 * malformed event with a reason instead of crashing.
 */
describe('the provisioner bundle', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'berth-provisioner-bundle-'));
  const file = join(outDir, 'index.mjs');

  beforeAll(async () => {
    await build(esbuildOptions(provisionerHandler.provisioner, file));
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('is one ES module file', () => {
    expect(statSync(file).size).toBeGreaterThan(0);
  });

  it('exports onEvent and isComplete, and answers a malformed event with a reason', () => {
    const script = `
      const m = await import(${JSON.stringify(file)});
      const reason = await m.onEvent({ RequestType: 'Explode' }).then(() => 'no error', (e) => e.message);
      console.log(JSON.stringify({ onEvent: typeof m.onEvent, isComplete: typeof m.isComplete, reason }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1' },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      onEvent: 'function',
      isComplete: 'function',
      reason: expect.stringMatching(/^Not a CloudFormation custom resource event/),
    });
  }, 60_000);
});
