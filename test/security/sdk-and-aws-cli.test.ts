import {
  AccessDeniedException,
  CreateClusterCommand,
  DescribeClustersCommand,
  ECSClient,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
  type ECSClientConfig,
} from '@aws-sdk/client-ecs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';

const run = promisify(execFile);
const AWS = process.env.BERTH_AWS_CLI ?? 'aws';

/**
 * The acceptance clients, unmodified: @aws-sdk/client-ecs and the AWS CLI
 * work with a valid Berth key over real HTTP, and name each refusal the way
 * they would name AWS's own.
 */
describe('the ECS SDK and the AWS CLI against a secured Berth', () => {
  let berth: SecureBerth;
  let readOnly: { accessKeyId: string; secretAccessKey: string };
  const clients: ECSClient[] = [];

  beforeAll(async () => {
    berth = await startSecureBerth({ listen: true });
    const created = await berth.security.admin.createAccessKey({
      name: 'reader',
      policy: { Statement: [{ Effect: 'Allow', Action: ['ecs:Describe*', 'ecs:List*'], Resource: ['*'] }] },
    });
    readOnly = { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await berth?.close();
  });

  function ecs(
    credentials: { accessKeyId: string; secretAccessKey: string },
    extra: Partial<ECSClientConfig> = {},
  ): ECSClient {
    const client = new ECSClient({
      endpoint: berth.endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
      ...extra,
    });
    clients.push(client);
    return client;
  }

  it('serves the SDK with a valid key', async () => {
    const client = ecs(berth.adminKey);
    const created = await client.send(
      new CreateClusterCommand({ clusterName: 'sdk', tags: [{ key: 'env', value: 'dev' }] }),
    );
    expect(created.cluster?.clusterName).toBe('sdk');
    const registered = await client.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'busybox', memory: 64 }],
      }),
    );
    expect(registered.taskDefinition?.revision).toBe(1);
    const described = await client.send(new DescribeClustersCommand({ clusters: ['sdk'] }));
    expect(described.clusters?.[0]?.status).toBe('ACTIVE');
  });

  it.each([
    ['a wrong secret', 'InvalidSignatureException', 403, () => ({ ...berth.adminKey, secretAccessKey: 'wrong' })],
    [
      'an unknown key',
      'UnrecognizedClientException',
      403,
      () => ({ accessKeyId: 'BKIAUNKNOWNUNKNOWN23', secretAccessKey: 'x' }),
    ],
  ])('surfaces %s as %s', async (_name, type, status, credentials) => {
    const writes = berth.ctx.store.stats.writes;
    const error = await ecs(credentials())
      .send(new CreateClusterCommand({ clusterName: 'nope' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: type, $metadata: { httpStatusCode: status } });
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });

  it('surfaces a policy refusal as AccessDeniedException', async () => {
    const error = await ecs(readOnly)
      .send(new CreateClusterCommand({ clusterName: 'nope' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(String((error as Error).message)).toMatch(
      /is not authorized to perform: ecs:CreateCluster on resource: arn:aws:ecs:us-east-1:000000000000:cluster\/nope/,
    );
    expect((await ecs(readOnly).send(new ListClustersCommand({}))).clusterArns).toContain(
      'arn:aws:ecs:us-east-1:000000000000:cluster/sdk',
    );
  });

  it.each([
    ['10 minutes fast', 10, /Signature not yet current/],
    ['10 minutes slow', -10, /Signature expired/],
  ])('refuses a client whose clock is %s', async (_name, offsetMinutes, message) => {
    const skewed = ecs(berth.adminKey, { systemClockOffset: offsetMinutes * 60_000 });
    const error = await skewed.send(new ListClustersCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidSignatureException', message: expect.stringMatching(message) });
  });

  async function aws(credentials: { accessKeyId: string; secretAccessKey: string }, ...args: string[]) {
    return run(AWS, ['ecs', ...args, '--endpoint-url', berth.endpoint, '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_PAGER: '',
        AWS_MAX_ATTEMPTS: '1',
      },
    });
  }

  it('serves the AWS CLI with a valid key', async () => {
    const created = JSON.parse((await aws(berth.adminKey, 'create-cluster', '--cluster-name', 'cli')).stdout) as {
      cluster: { clusterName: string };
    };
    expect(created.cluster.clusterName).toBe('cli');
    const listed = JSON.parse((await aws(readOnly, 'list-clusters')).stdout) as { clusterArns: string[] };
    expect(listed.clusterArns).toContain('arn:aws:ecs:us-east-1:000000000000:cluster/cli');
  });

  it.each([
    ['a wrong secret', /InvalidSignatureException/, () => ({ ...berth.adminKey, secretAccessKey: 'wrong' })],
    ['a read-only key', /AccessDeniedException.*not authorized to perform: ecs:CreateCluster/, () => readOnly],
  ])('tells the AWS CLI of %s', async (_name, message, credentials) => {
    await expect(aws(credentials(), 'create-cluster', '--cluster-name', 'refused')).rejects.toMatchObject({
      stderr: expect.stringMatching(message),
    });
  });
});
