import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berthHandlers, esbuildOptions } from '#infra/constructs/bundling.ts';
import { buildFunctionBundles, importInFreshNode, type FunctionBundle } from '../support/function-bundles.ts';

/**
 * The most each minified function bundle may weigh: a Lambda cold start
 * reads, parses and runs all of it. The functions call AWS through Berth's
 * lean JSON clients, not the SDK (docs/decisions.md, "Lambda bundles"), and
 * docs/performance.md has the figures.
 */
const BUNDLE_BUDGET_BYTES: Readonly<Record<keyof typeof berthHandlers, number>> = {
  api: 400 * 1024,
  scheduler: 400 * 1024,
  monitor: 400 * 1024,
};

describe('the Lambda function bundles', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'berth-function-bundles-'));
  let bundles: FunctionBundle[] = [];

  // One build of the three handlers, with the options the CDK stack deploys.
  beforeAll(async () => {
    bundles = await buildFunctionBundles({ berthHandlers, esbuildOptions }, outDir);
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('builds one bundle per handler', () => {
    expect(bundles.map((bundle) => bundle.name).sort()).toEqual(Object.keys(berthHandlers).sort());
  });

  it.each(Object.keys(berthHandlers) as Array<keyof typeof berthHandlers>)(
    'keeps the %s bundle within its budget',
    (name) => {
      const bundle = bundles.find((candidate) => candidate.name === name);
      expect(bundle?.bytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES[name]);
    },
  );

  it.each(Object.keys(berthHandlers))('carries no AWS SDK code in the %s bundle', (name) => {
    const bundle = bundles.find((candidate) => candidate.name === name);
    expect(bundle?.packages).toContain('zod'); // the metafile was read
    expect(bundle?.packages.filter((pkg) => pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/'))).toEqual([]);
  });

  // Each AWS client rides only in the function that calls it: EC2 (capacity
  // providers' instances) in the monitor, ELBv2 (target registration) in the scheduler.
  it.each(Object.keys(berthHandlers))('carries the EC2 and ELBv2 clients only where they are called: %s', (name) => {
    const bundle = bundles.find((candidate) => candidate.name === name);
    const code = readFileSync(bundle!.file, 'utf8');
    expect({ ec2: code.includes('TerminateInstances'), elbv2: code.includes('DeregisterTargets') }).toEqual({
      ec2: name === 'monitor',
      elbv2: name === 'scheduler',
    });
  });

  it.each(Object.keys(berthHandlers))(
    'imports the %s bundle in a fresh node and finds its handler',
    (name) => {
      const bundle = bundles.find((candidate) => candidate.name === name);
      expect(bundle).toBeDefined();
      expect(importInFreshNode(bundle!.file)).toMatchObject({ ok: true });
    },
    60_000,
  );
});
