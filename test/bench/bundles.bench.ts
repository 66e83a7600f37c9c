/**
 * Benchmark: the Lambda functions' cold-start weight. Builds the api,
 * scheduler and monitor bundles with the esbuild options the CDK stack
 * deploys, then prints each bundle's minified size and its import time: the
 * median of ten fresh `node` processes, each importing the bundle and
 * resolving its `handler` (measured inside the process, so Node's own
 * start-up is left out; wall time, and the CPU time the import took, which
 * a shared machine distorts less), in the environment the stack sets
 * (NODE_OPTIONS=--enable-source-maps, placeholder table, queue and key).
 *
 * Run: npm run bench:bundles [-- <path of another checkout>]
 * With a path, the same figures are taken for that checkout too (built with
 * its own infra/constructs/bundling.ts and its own node_modules), for a
 * before/after comparison in one sitting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildFunctionBundles, importInFreshNode, type FunctionBundling } from '../support/function-bundles.ts';

const RUNS = 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function loadBundling(checkout: string): Promise<FunctionBundling> {
  const module: unknown = await import(pathToFileURL(join(checkout, 'infra/constructs/bundling.ts')).href);
  const bundling = module as Partial<FunctionBundling>;
  if (typeof bundling.esbuildOptions !== 'function' || typeof bundling.berthHandlers !== 'object') {
    throw new Error(`${checkout}/infra/constructs/bundling.ts has no berthHandlers and esbuildOptions`);
  }
  return bundling as FunctionBundling;
}

async function measure(label: string, checkout: string): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'berth-bundles-'));
  try {
    const bundles = await buildFunctionBundles(await loadBundling(checkout), outDir);
    console.log(`\n${label} (${checkout})`);
    console.log('| function | minified bytes | import wall median / min / max (ms) | import CPU median (ms) |');
    console.log('| --- | --- | --- | --- |');
    for (const bundle of bundles) {
      const times: number[] = [];
      const cpuTimes: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const outcome = importInFreshNode(bundle.file);
        if (!outcome.ok) throw new Error(`${bundle.name}: ${outcome.reason}`);
        times.push(outcome.importMs);
        cpuTimes.push(outcome.cpuMs);
      }
      const [min, max] = [Math.min(...times), Math.max(...times)];
      console.log(
        `| ${bundle.name} | ${bundle.bytes.toLocaleString('en')} | ${median(times).toFixed(1)} / ${min.toFixed(1)} / ${max.toFixed(1)} | ${median(cpuTimes).toFixed(1)} |`,
      );
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const repoRoot = resolve(import.meta.dirname, '../..');
const before = process.argv[2];
if (before !== undefined) await measure('before', resolve(before));
await measure('this checkout', repoRoot);
