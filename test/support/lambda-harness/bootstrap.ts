import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testAwsEndpoint } from '../aws-endpoint.ts';
import { startLambdaHarness, type LambdaHarness } from './index.ts';

const run = promisify(execFile);

export interface BootstrapOutcome {
  /** The administrator key, when this call created it. */
  readonly accessKey?: { accessKeyId: string; secretAccessKey: string };
  readonly stdout: string;
}

/**
 * `berth bootstrap --json` against the harness's table and key, as a user
 * runs it after `cdk deploy`: its own process, with the AWS variables
 * pointing at the emulator.
 */
export async function bootstrapFirstKey(harness: LambdaHarness): Promise<BootstrapOutcome> {
  const args = ['bin/berth.js', 'bootstrap', '--table', harness.env.BERTH_TABLE_NAME];
  args.push('--kms-key-id', harness.env.BERTH_KMS_KEY_ID, '--json');
  const { stdout } = await run(process.execPath, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...harness.env },
  });
  const parsed = stdout.trimStart().startsWith('{')
    ? (JSON.parse(stdout) as { accessKey?: { accessKeyId: string; secretAccessKey: string } })
    : {};
  return { stdout, ...(parsed.accessKey && { accessKey: parsed.accessKey }) };
}

/**
 * The harness over the test emulator with fast heartbeats, polls and
 * sweeps (what a suite with a real agent wants), and its first
 * administrator key from `berth bootstrap`.
 */
export async function startHarnessWithAdmin(): Promise<{
  harness: LambdaHarness;
  admin: { accessKeyId: string; secretAccessKey: string };
}> {
  const harness = await startLambdaHarness({
    awsEndpoint: testAwsEndpoint(),
    stackProps: { heartbeatTtlSeconds: 5, pollIntervalSeconds: 1 },
    monitorIntervalMs: 2_000,
  });
  const created = await bootstrapFirstKey(harness);
  if (!created.accessKey) throw new Error(`bootstrap created no key: ${created.stdout}`);
  return { harness, admin: created.accessKey };
}
