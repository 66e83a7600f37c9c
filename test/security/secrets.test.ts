import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSecretSource, regionOfZone } from '#agent/secrets/aws-secret-source.ts';
import { controlPlaneSecretSource } from '#agent/secrets/berth-secret-source.ts';
import { createSecretResolver } from '#agent/secrets/secret-resolver.ts';
import { TABLE_KEY } from '#functions/adapters/dynamodb-table.ts';
import { jsonLogger } from '#functions/runtime/logger.ts';
import { containerConfig } from '#shared/agent/container-config.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { registerInstance } from '#shared/control/instances.ts';
import { reconcileCluster } from '#shared/control/reconcile/reconcile-cluster.ts';
import { taskSpec } from '#shared/schemas/agent-api.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { parseSecretReference } from '#shared/security/secret-reference.ts';
import { testAwsClientConfig } from '../support/aws-endpoint.ts';
import { berthCli } from './support/berth-cli-run.ts';
import { startSecretsBerth, type SecretsBerth } from './support/secrets-berth.ts';

const noAuth = { headers: async () => ({}) };

describe('secret references', () => {
  it.each([
    ['berth:secret:db-password', { kind: 'berth', name: 'db-password' }],
    [
      'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db',
      { kind: 'ssm', parameter: 'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db', region: 'eu-west-1' },
    ],
    ['/prod/db', { kind: 'ssm', parameter: '/prod/db' }],
    ['db', { kind: 'ssm', parameter: 'db' }],
    [
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      {
        kind: 'secrets-manager',
        secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
        region: 'us-east-1',
      },
    ],
    [
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password:AWSPREVIOUS:',
      {
        kind: 'secrets-manager',
        secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
        jsonKey: 'password',
        versionStage: 'AWSPREVIOUS',
      },
    ],
  ])('%s', (valueFrom, expected) => {
    expect(parseSecretReference(valueFrom)).toMatchObject(expected);
  });

  it.each([
    'berth:secret:',
    'berth:secret:a b',
    'arn:aws:s3:::bucket/key',
    'arn:aws:ssm:us-east-1:1:document/x',
    'not a name!',
  ])('refuses %j', (valueFrom) => {
    expect(parseSecretReference(valueFrom)).toBeUndefined();
  });
});

/**
 * Berth's own secret store from `berth secrets put` to a container's
 * environment: the value travels only in the answer to the instance the
 * task is assigned to, and appears nowhere else: not in DescribeTasks, not
 * in any item of the table (raw scan), not in any log line.
 */
describe('a Berth secret, end to end', () => {
  const value = `hunter2-${randomUUID()}`;
  const logLines: string[] = [];
  const logger = jsonLogger((line) => logLines.push(line));
  let berth: SecretsBerth;
  let ctx: ControlContext;
  let endpoint: string;
  let ecs: ECSClient;
  let adminKey: { accessKeyId: string; secretAccessKey: string };
  const definition: ContainerDefinition = {
    name: 'app',
    image: 'busybox:1.36',
    memory: 64,
    environment: [{ name: 'PLAIN', value: 'visible' }],
    secrets: [{ name: 'DB_PASSWORD', valueFrom: 'berth:secret:db-password' }],
  };

  beforeAll(async () => {
    berth = await startSecretsBerth({ logger });
    ({ ctx, endpoint, adminKey } = berth);
    ecs = new ECSClient({ endpoint, region: 'us-east-1', credentials: adminKey, maxAttempts: 1 });
  });
  afterAll(async () => {
    ecs?.destroy();
    await berth?.close();
  });

  const cli = (args: string[], stdin = '') => berthCli(endpoint, adminKey, args, stdin);

  it('is stored by an administrator from stdin and listed without its value', async () => {
    expect(await cli(['secrets', 'put', 'db-password'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--value-stdin'),
    });
    const put = await cli(['secrets', 'put', 'db-password', '--value-stdin'], `${value}\n`);
    expect(put).toMatchObject({ code: 0, stdout: expect.stringContaining('valueFrom berth:secret:db-password') });
    const listed = await cli(['secrets', 'list', '--output', 'json']);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      secrets: [{ name: 'db-password', valueFrom: 'berth:secret:db-password' }],
    });
    expect(put.stdout + listed.stdout).not.toContain(value);
  });

  it('reaches the container only through the instance the task is assigned to, and is kept nowhere else', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'vault' }));
    const { name, image, memory, environment, secrets } = definition;
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'db-client',
        containerDefinitions: [{ name, image, memory, environment, secrets }],
      }),
    );
    const resources = { cpu: 1024, memory: 1024, reservedPorts: [], reservedPortsUdp: [] };
    const first = await registerInstance(ctx, 'vault', { resources, attributes: [], agentVersion: 'test' });
    const second = await registerInstance(ctx, 'vault', { resources, attributes: [], agentVersion: 'test' });
    const run = await ecs.send(new RunTaskCommand({ cluster: 'vault', taskDefinition: 'db-client' }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    const taskId = taskArn.split('/').pop() ?? '';
    await reconcileCluster(ctx, 'vault');
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'vault', tasks: [taskArn] }));
    const placedOn = described.tasks?.[0]?.containerInstanceArn?.split('/').pop();
    const owner = [first.value.id, second.value.id].find((id) => id === placedOn);
    const other = [first.value.id, second.value.id].find((id) => id !== placedOn);
    if (!owner || !other) throw new Error(`the task was not placed: ${placedOn}`);

    // The agent on the owning instance: spec (no value), then the secrets, then the container's environment.
    const specResponse = await fetch(`${endpoint}/agent/v1/clusters/vault/tasks/${taskId}?instanceId=${owner}`);
    const specText = await specResponse.text();
    const spec = taskSpec.parse(JSON.parse(specText));
    const resolver = (instanceId: string) =>
      createSecretResolver({
        berth: controlPlaneSecretSource({ endpoint, cluster: 'vault', auth: noAuth, instanceId: () => instanceId }),
      });
    const resolved = await resolver(owner).containerSecrets(taskId, definition);
    expect(resolved).toEqual({ ok: true, values: [{ name: 'DB_PASSWORD', value }] });
    const config = containerConfig(spec, definition, {
      instanceId: owner,
      hostPorts: [],
      stopTimeoutSeconds: 30,
      secrets: resolved.ok ? resolved.values : [],
    });
    expect(config.environment).toEqual(['PLAIN=visible', `DB_PASSWORD=${value}`]);

    // Any other instance is refused, and the refusal does not carry the value.
    const refused = await resolver(other).containerSecrets(taskId, definition);
    expect(refused).toMatchObject({
      ok: false,
      failure: { kind: 'rejected', message: expect.stringContaining('TaskNotAssigned') },
    });

    const table = await berth.client.send(new ScanCommand({ TableName: berth.tableName }));
    // The stored secret is there, as ciphertext.
    expect((table.Items ?? []).filter((item) => item[TABLE_KEY.partition]?.S === 'SECRET')).toHaveLength(1);
    const everywhere = [
      specText,
      JSON.stringify(described),
      JSON.stringify(table.Items),
      JSON.stringify(refused),
      ...logLines,
    ].join('\n');
    expect(everywhere).toContain('berth:secret:db-password');
    expect(everywhere).not.toContain(value);
  });
});

/** SSM parameters and Secrets Manager secrets, read by the agent with the host's credentials (here: the emulator). */
describe('AWS secret sources', () => {
  const config = testAwsClientConfig();
  const prefix = `/berth-test/${randomUUID()}`;
  const resolver = createSecretResolver({ aws: awsSecretSource({ region: config.region, clientConfig: config }) });
  let secretArn = '';

  beforeAll(async () => {
    const ssm = new SSMClient(config);
    const secretsManager = new SecretsManagerClient(config);
    await ssm.send(new PutParameterCommand({ Name: `${prefix}/db`, Value: 'from-ssm', Type: 'SecureString' }));
    const created = await secretsManager.send(
      new CreateSecretCommand({
        Name: `berth-test-${randomUUID()}`,
        SecretString: JSON.stringify({ username: 'u', password: 'from-sm', port: 5432 }),
      }),
    );
    secretArn = created.ARN ?? '';
    ssm.destroy();
    secretsManager.destroy();
  });

  it('resolves parameters by name and secrets whole or by JSON key', async () => {
    const definition: ContainerDefinition = {
      name: 'app',
      image: 'x',
      secrets: [
        { name: 'SSM', valueFrom: `${prefix}/db` },
        { name: 'WHOLE', valueFrom: secretArn },
        { name: 'PASSWORD', valueFrom: `${secretArn}:password::` },
        { name: 'PORT', valueFrom: `${secretArn}:port::` },
      ],
    };
    const resolved = await resolver.containerSecrets('t1', definition);
    expect(resolved).toEqual({
      ok: true,
      values: [
        { name: 'SSM', value: 'from-ssm' },
        { name: 'WHOLE', value: JSON.stringify({ username: 'u', password: 'from-sm', port: 5432 }) },
        { name: 'PASSWORD', value: 'from-sm' },
        { name: 'PORT', value: '5432' },
      ],
    });
    expect(await resolver.registryAuth(secretArn)).toEqual({ ok: true, auth: { username: 'u', password: 'from-sm' } });
  });

  it.each([
    ['a missing parameter', `${prefix}/missing`, /SSM parameter .*\/missing could not be read: ParameterNotFound/],
    ['a missing JSON key', 'KEY', /has no string key 'nope'/],
    [
      'an unreadable reference',
      'arn:aws:s3:::bucket',
      /is not an SSM parameter, a Secrets Manager ARN or berth:secret:NAME/,
    ],
  ])('names %s without quoting any value', async (_, valueFrom, reason) => {
    const from = valueFrom === 'KEY' ? `${secretArn}:nope::` : valueFrom;
    const resolved = await resolver.containerSecrets('t1', {
      name: 'app',
      image: 'x',
      secrets: [{ name: 'X', valueFrom: from }],
    });
    expect(resolved).toMatchObject({
      ok: false,
      failure: { kind: 'rejected', message: expect.stringMatching(reason) },
    });
    expect(JSON.stringify(resolved)).not.toMatch(/from-sm|from-ssm/);
  });

  it.each([
    ['us-east-1a', 'us-east-1'],
    ['us-gov-west-1b', 'us-gov-west-1'],
    ['us-west-2-lax-1a', 'us-west-2'],
    ['nowhere', undefined],
  ])('finds the region of zone %s', (zone, region) => {
    expect(regionOfZone(zone)).toBe(region);
  });

  it('refuses Berth secrets and AWS secrets it has no source for', async () => {
    const bare = createSecretResolver({});
    const berth = await bare.containerSecrets('t1', {
      name: 'app',
      image: 'x',
      secrets: [{ name: 'X', valueFrom: 'berth:secret:x' }],
    });
    expect(berth).toMatchObject({
      ok: false,
      failure: { message: expect.stringContaining("cannot reach Berth's store") },
    });
    const aws = await bare.containerSecrets('t1', {
      name: 'app',
      image: 'x',
      secrets: [{ name: 'X', valueFrom: '/a' }],
    });
    expect(aws).toMatchObject({ ok: false, failure: { message: expect.stringContaining('no AWS secret source') } });
  });
});
