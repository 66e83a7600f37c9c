import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { esbuildOptions, provisionerHandler, repoRoot } from '#infra/constructs/bundling.ts';

/**
 * `berth/cdk` as a user gets it: the package packed with `npm pack`,
 * unpacked where it has no lock file, and a stack synthesized from it
 * through tsx. The provider's functions must then be the prebuilt bundle,
 * not a bundling of the sources.
 */
describe('the packed berth/cdk', () => {
  const work = mkdtempSync(join(tmpdir(), 'berth-cdk-package-'));
  const unpacked = join(work, 'package');
  let template: string;

  beforeAll(async () => {
    // --ignore-scripts: the prepack build would rewrite this checkout's dist/; the bundle is built below instead.
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {
      cwd: repoRoot,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['-xzf', join(work, tarball ?? ''), '-C', work]);
    await build(esbuildOptions(provisionerHandler.provisioner, join(unpacked, 'dist', 'provisioner', 'index.mjs')));
    symlinkSync(join(repoRoot, 'node_modules'), join(unpacked, 'node_modules'));
    const app = join(unpacked, 'user-app.ts');
    writeFileSync(
      app,
      `import { App, Stack, aws_secretsmanager as sm } from 'aws-cdk-lib';
import { BerthTaskDefinition } from './infra/cdk/index.ts';
const app = new App({ outdir: ${JSON.stringify(join(work, 'cdk.out'))} });
const stack = new Stack(app, 'User');
const connection = { endpoint: 'https://x.example/', credentials: new sm.Secret(stack, 'Key') };
new BerthTaskDefinition(stack, 'Web', { connection, containers: { app: { image: 'busybox', memoryLimitMiB: 32 } } });
console.log(JSON.stringify(app.synth().getStackByName('User').template));
`,
    );
    template = execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), [app], { cwd: unpacked, encoding: 'utf8' });
  }, 240_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('carries no lock file and the prebuilt provider', () => {
    expect(existsSync(join(unpacked, 'package-lock.json'))).toBe(false);
    expect(existsSync(join(unpacked, 'infra', 'cdk', 'index.ts'))).toBe(true);
  });

  it('synthesizes the provider functions from the prebuilt bundle', () => {
    const resources = z
      .object({ Resources: z.record(z.string(), z.object({ Type: z.string(), Properties: z.looseObject({}) })) })
      .parse(JSON.parse(template)).Resources;
    const functions = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Properties.Handler);
    expect(functions).toEqual(expect.arrayContaining(['index.onEvent', 'index.isComplete']));
  });
});
