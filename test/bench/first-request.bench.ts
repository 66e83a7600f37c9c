/**
 * Benchmark: the api function's cold start including its first request.
 * Import time alone can hide work that laziness only postpones (schemas
 * built on first use), so this times, in one fresh `node` per run, the
 * bundle's import and then its handler answering one signed ListClusters
 * function-URL event: CPU and wall of the import, and of import plus that
 * first request (median of seven runs).
 *
 * It needs a table and an access key, so it runs on the Lambda harness
 * (test/support/lambda-harness/, moto server) with the api function's own
 * environment; the handler runs in the bench's child process, not behind
 * the harness's URL, so the figures are the function's own.
 *
 * Run: npm run bench:first-request [-- <path of another checkout>]
 * With a path, that checkout's api bundle (its own bundling options) is
 * measured too, alternating with this one's, against the same table.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { buildFunctionBundles, type FunctionBundling } from '../support/function-bundles.ts';
import { bootstrapFirstKey } from '../support/lambda-harness/bootstrap.ts';
import { startLambdaHarness } from '../support/lambda-harness/index.ts';

const RUNS = 7;

/** Runs in the fresh process: import, then one event through the handler. */
const firstRequestProbe = `
const event = JSON.parse(process.env.BENCH_EVENT);
const started = performance.now();
const cpuBefore = process.cpuUsage();
const bundle = await import(process.argv[1]);
const importCpu = process.cpuUsage(cpuBefore);
const imported = performance.now();
const result = await bundle.handler(event, { awsRequestId: 'bench', functionName: 'api', getRemainingTimeInMillis: () => 30000 });
const totalCpu = process.cpuUsage(cpuBefore);
const ms = (c) => (c.user + c.system) / 1000;
console.log(JSON.stringify({ status: result.statusCode, importCpu: ms(importCpu), importWall: imported - started, firstCpu: ms(totalCpu), firstWall: performance.now() - started }));
`;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

/** The SigV4 signer's hash, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function median(values: readonly number[]): string {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(1);
}

async function apiBundle(checkout: string, outDir: string): Promise<string> {
  const bundling = (await import(
    pathToFileURL(join(checkout, 'infra/constructs/bundling.ts')).href
  )) as FunctionBundling;
  const bundles = await buildFunctionBundles(bundling, outDir);
  const api = bundles.find((b) => b.name === 'api');
  if (!api) throw new Error(`${checkout} has no api bundle`);
  return api.file;
}

/** A ListClusters call as the function URL hands it to the function: payload format 2.0, signed now. */
async function listClustersEvent(signer: SignatureV4, endpoint: string): Promise<unknown> {
  const { host, hostname, port } = new URL(endpoint);
  const body = '{}';
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    headers: {
      host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
    },
    body,
  });
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { ...signed.headers, 'content-length': String(body.length) },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'bench',
      domainName: host,
      domainPrefix: 'bench',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${now.getTime()}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

const checkouts = [process.argv[2], resolve(import.meta.dirname, '../..')].filter((c) => c !== undefined);
const outDir = mkdtempSync(join(tmpdir(), 'berth-first-request-'));
const harness = await startLambdaHarness();
try {
  const files = await Promise.all(
    checkouts.map((checkout, i) => apiBundle(resolve(checkout), join(outDir, String(i)))),
  );
  const { accessKey } = await bootstrapFirstKey(harness);
  if (!accessKey) throw new Error('berth bootstrap created no key');
  const signer = new SignatureV4({
    service: 'ecs',
    region: harness.env.AWS_REGION,
    credentials: accessKey,
    sha256: Sha256,
  });
  const samples = files.map(
    () => [] as { importCpu: number; importWall: number; firstCpu: number; firstWall: number }[],
  );
  for (let run = 0; run < RUNS; run++) {
    for (const [i, file] of files.entries()) {
      const event = await listClustersEvent(signer, harness.endpoint);
      const child = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', firstRequestProbe, pathToFileURL(file).href],
        {
          env: { ...harness.functions.api.spec.environment, BENCH_EVENT: JSON.stringify(event) },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      const outcome = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? 'null') as
        | ((typeof samples)[number][number] & {
            status: number;
          })
        | null;
      if (child.status !== 0 || outcome?.status !== 200) throw new Error(`${file}: ${child.stderr || child.stdout}`);
      samples[i]!.push(outcome);
    }
  }
  console.log('| checkout | import CPU / wall (ms) | import + first ListClusters CPU / wall (ms) |');
  console.log('| --- | --- | --- |');
  for (const [i, checkout] of checkouts.entries()) {
    const s = samples[i]!;
    console.log(
      `| ${checkout} | ${median(s.map((x) => x.importCpu))} / ${median(s.map((x) => x.importWall))} | ${median(s.map((x) => x.firstCpu))} / ${median(s.map((x) => x.firstWall))} |`,
    );
  }
} finally {
  await harness.stop();
  rmSync(outDir, { recursive: true, force: true });
}
