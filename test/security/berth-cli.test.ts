import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { sdkCalls } from '#functions/adapters/dynamodb-calls.ts';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import { createInProcessQueue } from '#functions/adapters/in-process-queue.ts';
import { queueReconciles } from '#functions/adapters/reconcile-queue.ts';
import { createApp } from '#functions/api/app.ts';
import { runBerth } from '#cli/berth.ts';
import { bootstrapCommand } from '#cli/bootstrap-command.ts';
import { signedFetch } from '#cli/signed-fetch.ts';
import { controlContext } from '#functions/runtime/control-context.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import { createSecurity, kmsCipher } from '#functions/security/index.ts';
import { sdkKmsCalls } from '#functions/security/kms-calls.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { createdAccessKey } from '#shared/security/admin-api.ts';
import { auditRecord } from '#shared/security/audit-record.ts';
import { testAwsClientConfig } from '../support/aws-endpoint.ts';
import { registerInstance } from '../support/berth.ts';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';
import { ecsCall, sign } from './support/signing.ts';

const run = promisify(execFile);

/** The `berth` admin CLI against a secured Berth over real HTTP. */
describe('the berth CLI', () => {
  let berth: SecureBerth;
  let dir: string;

  beforeAll(async () => {
    berth = await startSecureBerth({ listen: true });
    dir = await mkdtemp(join(tmpdir(), 'berth-cli-'));
  });
  afterAll(async () => {
    await berth?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function env(credentials = berth.adminKey): NodeJS.ProcessEnv {
    return {
      BERTH_ENDPOINT: berth.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    };
  }

  async function berthCli(args: string[], environment: NodeJS.ProcessEnv = env()) {
    let stdout = '';
    let stderr = '';
    const code = await runBerth(args, {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env: environment,
    });
    return { code, stdout, stderr };
  }

  it('creates, lists, rotates and disables keys, and reads the audit log', async () => {
    const admin = await berthCli(['keys', 'create', '--admin', '--name', 'ops']);
    expect(admin.code).toBe(0);
    expect(admin.stdout).toMatch(/^AWS_ACCESS_KEY_ID=BKIA[A-Z2-7]{16}$/m);
    expect(admin.stdout).toMatch(/shown only now/);

    const policyFile = join(dir, 'reader.json');
    await writeFile(
      policyFile,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['ecs:List*', 'ecs:Describe*'], Resource: '*' }],
      }),
    );
    const reader = await berthCli(['keys', 'create', '--policy', policyFile, '--name', 'reader', '--output', 'json']);
    expect(reader.code).toBe(0);
    const readerKey = createdAccessKey.parse((JSON.parse(reader.stdout) as { accessKey: unknown }).accessKey);

    const listed = await berthCli(['keys', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${readerKey.accessKeyId}\\s+reader\\s+Active`));
    expect(listed.stdout).not.toContain(readerKey.secretAccessKey);

    const rotated = await berthCli(['keys', 'rotate', readerKey.accessKeyId]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(new RegExp(`old key ${readerKey.accessKeyId} is disabled`));

    const opsKeyId = /^AWS_ACCESS_KEY_ID=(\S+)$/m.exec(admin.stdout)?.[1] ?? '';
    const disabled = await berthCli(['keys', 'disable', opsKeyId]);
    expect(disabled).toMatchObject({ code: 0, stdout: `Disabled access key ${opsKeyId}.\n` });
    expect((await berthCli(['keys', 'list'])).stdout).toMatch(new RegExp(`${opsKeyId}\\s+ops\\s+Inactive`));

    const audit = await berthCli(['audit', '--since', '1h', '--limit', '50', '--output', 'json']);
    expect(audit.code).toBe(0);
    const records = audit.stdout
      .trim()
      .split('\n')
      .map((line) => auditRecord.parse(JSON.parse(line)));
    expect(records.map((r) => r.action)).toEqual(
      expect.arrayContaining(['berth:CreateAccessKey', 'berth:RotateAccessKey', 'berth:DisableAccessKey']),
    );
    // Over real HTTP the source is the socket's peer.
    expect(records.every((r) => r.sourceAddress === '127.0.0.1' || r.sourceAddress === '::ffff:127.0.0.1')).toBe(true);
    expect(audit.stdout).not.toContain(readerKey.secretAccessKey);

    const table = await berthCli(['audit', '--limit', '2']);
    expect(table.stdout.split('\n')[0]).toMatch(/^TIME\s+OUTCOME\s+ACTION/);
  });

  it.each<[string, string[], NodeJS.ProcessEnv | undefined, number, RegExp]>([
    [
      'no credentials',
      ['keys', 'list'],
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      1,
      /no credentials/,
    ],
    ['an unknown command', ['keys', 'burn'], undefined, 2, /unknown keys command burn/],
    [
      'both --policy and --admin',
      ['keys', 'create', '--admin', '--policy', 'x.json'],
      undefined,
      2,
      /either --policy FILE or --admin/,
    ],
    ['a policy file that is not a policy', ['keys', 'create', '--policy', '/dev/null'], undefined, 2, /not valid JSON/],
    ['a bad --since', ['audit', '--since', 'yesterday'], undefined, 2, /--since/],
    ['an unknown key', ['keys', 'disable', 'BKIAAAAAAAAAAAAAAAAA'], undefined, 1, /NoSuchEntityException/],
    ['a wrong secret', ['keys', 'list'], { ...{ AWS_SECRET_ACCESS_KEY: 'wrong' } }, 1, /InvalidSignatureException/],
  ])('reports %s', async (_name, args, environment, code, message) => {
    const answer = await berthCli(args, environment === undefined ? env() : { ...env(), ...environment });
    expect(answer.code).toBe(code);
    expect(answer.stderr).toMatch(message);
  });

  it('is refused what the key’s policy does not allow', async () => {
    const key = await berth.security.admin.createAccessKey({
      policy: { Statement: [{ Effect: 'Allow', Action: ['ecs:*'], Resource: ['*'] }] },
    });
    const answer = await berthCli(['keys', 'create', '--admin'], env(key));
    expect(answer.code).toBe(1);
    expect(answer.stderr).toMatch(
      /AccessDeniedException: User: .* is not authorized to perform: berth:CreateAccessKey/,
    );
  });

  it('signs `berth explain`, which the guard authorises as ecs:ExplainPlacement', async () => {
    for (const [operation, body] of [
      ['CreateCluster', { clusterName: 'plan' }],
      [
        'RegisterTaskDefinition',
        { family: 'web', containerDefinitions: [{ name: 'web', image: 'busybox', memory: 64 }] },
      ],
    ] as const) {
      const { init } = await sign({
        credentials: berth.adminKey,
        date: new Date(),
        ...ecsCall(operation, body),
        headers: { ...ecsCall(operation, body).headers, host: new URL(berth.endpoint).host },
      });
      expect((await fetch(berth.endpoint, init)).status).toBe(200);
    }
    // The agent API takes agent credentials, not signatures: the instance registers with a registration token.
    const tokens = {
      endpoint: berth.endpoint,
      registrationToken: async (cluster: string) =>
        (await berth.security.agents.createRegistrationToken({ cluster })).registrationToken,
    };
    await registerInstance(tokens, 'plan', { cpu: 1024, memory: 1024 });
    const signed = await berthCli(['explain', '--cluster', 'plan', '--task-definition', 'web']);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(/task 1: arn:aws:ecs:us-east-1:000000000000:container-instance\/plan\//);
    const unsigned = await berthCli(['explain', '--cluster', 'plan', '--task-definition', 'web'], {
      BERTH_ENDPOINT: berth.endpoint,
    });
    // Refused. (The explain router maps only ECS errors, so the refusal reaches
    // the CLI as a ServerException until it maps GuardRefusal too.)
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toBe('');
    expect(unsigned.stderr).toMatch(/Exception/);
  });

  it('runs as bin/berth.js', async () => {
    const { stdout } = await run(process.execPath, ['bin/berth.js', 'keys', 'list'], {
      env: { ...process.env, ...env() },
    });
    expect(stdout).toContain(berth.adminKey.accessKeyId);
    expect(stdout).not.toContain(berth.adminKey.secretAccessKey);
  });
});

describe('berth bootstrap', () => {
  it('writes the first admin key of an AWS deployment into its table, encrypted by KMS, once', async () => {
    const config = testAwsClientConfig();
    const tableName = `berth-bootstrap-${Date.now()}`;
    const client = () => ({ dynamo: new DynamoDBClient(config), kms: new KMSClient(config) });
    const setup = client();
    await ensureTable(setup.dynamo, tableName);
    const keyId = (await setup.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    let stdout = '';
    const io = { stdout: (t: string) => void (stdout += t), stderr: () => {}, env: {} };
    await bootstrapCommand({ table: tableName, kmsKeyId: keyId, region: config.region, json: true }, io, client());
    const created = z
      .object({ accessKey: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }) })
      .parse(JSON.parse(stdout));

    // The key works against a control plane over that table and that KMS key.
    const store = createDynamoDbStore({ client: sdkCalls(setup.dynamo), tableName });
    const queue = createInProcessQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    const ctx = controlContext(parseEnvironment({ AWS_REGION: config.region }), {
      store,
      reconcile: queueReconciles(queue),
    });
    const security = createSecurity({
      store,
      clock: systemClock,
      cipher: kmsCipher({ client: sdkKmsCalls(setup.kms), keyId }),
      deployment: ctx.deployment,
    });
    expect((await security.admin.listAccessKeys()).map((k) => k.accessKeyId)).toEqual([created.accessKey.accessKeyId]);
    const app = createApp({ ctx, guard: security.guard });
    const { url, init } = await sign({
      credentials: created.accessKey,
      date: new Date(),
      region: config.region,
      ...ecsCall('ListClusters', {}),
    });
    expect((await app.request(url, init)).status).toBe(200);

    stdout = '';
    await bootstrapCommand({ table: tableName, kmsKeyId: keyId, region: config.region, json: false }, io, client());
    expect(stdout).toMatch(/holds access keys already/);
    queue.close();
    setup.dynamo.destroy();
    setup.kms.destroy();
  });
});

describe('signedFetch', () => {
  it('signs two identical mutating calls in the same second differently, so neither is taken for a replay', async () => {
    const berth = await startSecureBerth({ listen: true });
    try {
      const stale = signedFetch({ credentials: berth.adminKey, region: 'us-east-1', now: () => Date.UTC(2026, 0, 1) });
      const now = Date.now();
      const send = signedFetch({ credentials: berth.adminKey, region: 'us-east-1', now: () => now });
      const call = () =>
        send(berth.endpoint, {
          method: 'POST',
          headers: ecsCall('CreateCluster', { clusterName: 'twice' }).headers ?? {},
          body: JSON.stringify({ clusterName: 'twice' }),
        });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(200);
      // And a clock far off is refused, as for any client.
      expect(
        (
          await stale(berth.endpoint, {
            method: 'POST',
            headers: ecsCall('ListClusters', {}).headers ?? {},
            body: '{}',
          })
        ).status,
      ).toBe(403);
    } finally {
      await berth.close();
    }
  });
});
