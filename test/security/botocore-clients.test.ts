import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';

const run = promisify(execFile);
const AWS = process.env.BERTH_AWS_CLI ?? 'aws';
const BOTO3_SCRIPT = fileURLToPath(new URL('./support/boto3-same-second.py', import.meta.url));

/**
 * botocore (the AWS CLI, boto3) signs no per-call id, so identical calls
 * in the same second carry the same signature. AWS runs them all; so does
 * Berth. A request signed by the JS SDK, which signs amz-sdk-invocation-id,
 * is still refused when replayed.
 */
describe('identical calls from botocore-based clients, and replays', () => {
  let berth: SecureBerth;

  beforeAll(async () => {
    berth = await startSecureBerth({ listen: true });
  });
  afterAll(async () => {
    await berth?.close();
  });

  const env = () => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BERTH_ENDPOINT: berth.endpoint,
    AWS_ACCESS_KEY_ID: berth.adminKey.accessKeyId,
    AWS_SECRET_ACCESS_KEY: berth.adminKey.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  });

  /** One `aws ecs create-cluster`, with the signing time botocore logged (--debug). */
  async function cliCreateCluster(name: string): Promise<{ ok: boolean; signedAt: string; stderr: string }> {
    const args = [
      'ecs',
      'create-cluster',
      '--cluster-name',
      name,
      '--endpoint-url',
      berth.endpoint,
      '--output',
      'json',
      '--debug',
    ];
    const outcome = await run(AWS, args, { env: env(), maxBuffer: 16 * 1024 * 1024 }).then(
      (r) => ({ ok: true, stderr: r.stderr }),
      (e: { stderr?: string }) => ({ ok: false, stderr: e.stderr ?? '' }),
    );
    const signedAt = /AWS4-HMAC-SHA256\s+(\d{8}T\d{6}Z)/.exec(outcome.stderr)?.[1] ?? '';
    return { ...outcome, signedAt };
  }

  it('runs two identical AWS CLI calls made in parallel within the same second', async () => {
    // The CLI's clock cannot be pinned: run pairs until one pair is signed in the same second.
    const pairs: { ok: boolean; signedAt: string; stderr: string }[][] = [];
    for (
      let attempt = 0;
      attempt < 8 && !pairs.some(([a, b]) => a?.signedAt !== '' && a?.signedAt === b?.signedAt);
      attempt++
    ) {
      pairs.push(await Promise.all([cliCreateCluster('cli-twin'), cliCreateCluster('cli-twin')]));
    }
    const sameSecond = pairs.find(([a, b]) => a?.signedAt !== '' && a?.signedAt === b?.signedAt);
    expect(sameSecond, 'no pair of CLI calls was signed in the same second').toBeDefined();
    for (const pair of pairs) {
      for (const call of pair) expect(call.ok, call.stderr.split('\n').slice(-3).join('\n')).toBe(true);
    }
    // Up to 8 pairs of CLI start-ups on a loaded machine: a budget, not an assertion on time.
  }, 180_000);

  it(
    'runs identical boto3 calls signed in the same second, one after the other and in parallel',
    { timeout: 90_000 },
    async () => {
      const { stdout } = await run('python3', [BOTO3_SCRIPT], { env: env() });
      const result = JSON.parse(stdout) as {
        outcomes: { call: string; ok: boolean; error?: string }[];
        signatures: string[];
      };
      // The calls really did carry the same signature, pair by pair.
      expect(result.signatures).toHaveLength(4);
      expect(result.signatures[0]).toBe(result.signatures[1]);
      expect(result.signatures[2]).toBe(result.signatures[3]);
      expect(result.outcomes).toEqual([
        { call: 'create-cluster 1', ok: true },
        { call: 'create-cluster 2', ok: true },
        { call: 'register-task-definition', ok: true },
        { call: 'register-task-definition', ok: true },
      ]);
    },
  );

  it('still refuses a JS SDK request replayed with its signed per-call id', async () => {
    const captured: { headers: Record<string, string>; body: string }[] = [];
    const client = new ECSClient({
      endpoint: berth.endpoint,
      region: 'us-east-1',
      credentials: berth.adminKey,
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string>; body: string };
        captured.push({ headers: { ...request.headers }, body: request.body });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'captureSigned' },
    );
    try {
      await client.send(new CreateClusterCommand({ clusterName: 'sdk-once' }));
    } finally {
      client.destroy();
    }
    const [sent] = captured;
    if (!sent) throw new Error('no request captured');
    expect(sent.headers.authorization).toMatch(/SignedHeaders=[^,]*amz-sdk-invocation-id/);
    const { host: _host, ...headers } = sent.headers;
    const replay = await fetch(`${berth.endpoint}/`, { method: 'POST', headers, body: sent.body });
    expect(replay.status).toBe(403);
    expect(replay.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(await replay.text()).toMatch(/already been used/);
  });
});
