import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import * as z from 'zod';

/** What a checkout's infra/constructs/bundling.ts provides: the handlers and their esbuild options. */
export interface FunctionBundling {
  readonly berthHandlers: Readonly<Record<string, string>>;
  esbuildOptions(entry: string, outfile: string): BuildOptions;
}

export interface FunctionBundle {
  readonly name: string;
  readonly file: string;
  /** The minified bundle's size, without its source map. */
  readonly bytes: number;
  /** The npm packages with code in the bundle (from esbuild's metafile), sorted. */
  readonly packages: readonly string[];
}

/** `node_modules/@scope/name/...` or `node_modules/name/...` -> the package's name. */
function packageOf(input: string): string | undefined {
  return /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
}

/**
 * Builds every function bundle of a checkout with that checkout's own
 * bundling options (the ones its CDK stack deploys), one build per handler.
 */
export async function buildFunctionBundles(bundling: FunctionBundling, outDir: string): Promise<FunctionBundle[]> {
  const { build } = await import('esbuild');
  const bundles: FunctionBundle[] = [];
  for (const [name, entry] of Object.entries(bundling.berthHandlers)) {
    const file = join(outDir, name, 'index.mjs');
    const { metafile } = await build({ ...bundling.esbuildOptions(entry, file), metafile: true });
    const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint !== undefined);
    const packages = new Set(
      Object.entries(output?.inputs ?? {})
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => packageOf(path))
        .filter((name) => name !== undefined),
    );
    bundles.push({ name, file, bytes: statSync(file).size, packages: [...packages].sort() });
  }
  return bundles;
}

/**
 * The environment the stack gives a function, with placeholder resources:
 * importing a handler builds its clients but calls nothing.
 */
export const lambdaLikeEnvironment: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  // Lambda gives every function its execution role's credentials in these.
  AWS_ACCESS_KEY_ID: 'ASIABUNDLECHECK00000',
  AWS_SECRET_ACCESS_KEY: 'bundle-check-secret',
  AWS_SESSION_TOKEN: 'bundle-check-session-token',
  BERTH_TABLE_NAME: 'berth-bundle-check',
  BERTH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/berth-reconcile.fifo',
  BERTH_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/berth-reconcile-dlq.fifo',
  BERTH_KMS_KEY_ID: 'alias/berth-bundle-check',
  NODE_OPTIONS: '--enable-source-maps',
};

/** Run in a fresh process: time the import (wall and CPU), then check the module exports a `handler` function. */
const importProbe = `
const started = performance.now();
const cpuBefore = process.cpuUsage();
const bundle = await import(process.argv[1]);
const cpu = process.cpuUsage(cpuBefore);
const elapsed = performance.now() - started;
if (typeof bundle.handler !== 'function') {
  console.error('the bundle exports no handler function');
  process.exit(3);
}
process.stdout.write(JSON.stringify({ importMs: elapsed, cpuMs: (cpu.user + cpu.system) / 1000 }));
`;

const probeAnswer = z.object({ importMs: z.number(), cpuMs: z.number() });

/**
 * `importMs` is wall time; `cpuMs` the CPU the process spent importing (user
 * and system), which a busy machine inflates less.
 */
export type ImportOutcome = { ok: true; importMs: number; cpuMs: number } | { ok: false; reason: string };

/** Imports a bundle in a new `node` process (the one running this code) and resolves its handler. */
export function importInFreshNode(file: string): ImportOutcome {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', importProbe, pathToFileURL(file).href], {
    env: { PATH: process.env.PATH ?? '', ...lambdaLikeEnvironment },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) {
    return { ok: false, reason: `exit ${String(child.status ?? child.signal)}: ${child.stderr.trim()}` };
  }
  return { ok: true, ...probeAnswer.parse(JSON.parse(child.stdout)) };
}
