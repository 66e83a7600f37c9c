import * as sdk from '@aws-sdk/client-ecs';
import { ECSClient, ECSServiceException } from '@aws-sdk/client-ecs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneSecretSource } from '#agent/secrets/berth-secret-source.ts';
import { createSecretResolver } from '#agent/secrets/secret-resolver.ts';
import type { Security } from '#functions/security/index.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { registerInstance } from '#shared/control/instances.ts';
import { reconcileCluster } from '#shared/control/reconcile/reconcile-cluster.ts';
import { berthCli } from './support/berth-cli-run.ts';
import { startSecretsBerth, type SecretsBerth } from './support/secrets-berth.ts';

const ECS = 'arn:aws:ecs:us-east-1:000000000000';
const SECRETS = 'arn:aws:berth:us-east-1:000000000000:secret';
const SSM = 'arn:aws:ssm:us-east-1:000000000000:parameter/prod/db';
const SECRETS_MANAGER = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod-db-AbCdEf';

function container(valueFrom: string): sdk.ContainerDefinition {
  return { name: 'app', image: 'busybox:1.36', memory: 64, secrets: [{ name: 'DB', valueFrom }] };
}

/**
 * Using a secret is authorised on the secret: a key may register, run or
 * deploy a task definition naming a secret only with `berth:UseSecret` on
 * that secret's ARN; and a Berth secret limited to some clusters is handed
 * by the control plane only to agents of those clusters.
 */
describe('who may use a secret', () => {
  const value = `hunter2-${randomUUID()}`;
  let berth: SecretsBerth;
  let ctx: ControlContext;
  let security: Security;
  let endpoint: string;
  let admin: ECSClient;
  let tenant: ECSClient;
  const clients: ECSClient[] = [];

  beforeAll(async () => {
    berth = await startSecretsBerth();
    ({ ctx, security, endpoint } = berth);
    const key = berth.adminKey;
    admin = ecs(key);

    for (const clusterName of ['vault', 'elsewhere']) await admin.send(new sdk.CreateClusterCommand({ clusterName }));
    await cli(key, ['secrets', 'put', 'db', '--clusters', 'vault', '--value-stdin'], value);
    await cli(key, ['secrets', 'put', 'other', '--value-stdin'], 'not yours');
    // The administrator's own family, naming a secret the tenant may not use.
    await admin.send(
      new sdk.RegisterTaskDefinitionCommand({
        family: 'admin-app',
        containerDefinitions: [container('berth:secret:other')],
      }),
    );
    await admin.send(
      new sdk.RegisterTaskDefinitionCommand({ family: 'db-app', containerDefinitions: [container('berth:secret:db')] }),
    );

    const created = await security.admin.createAccessKey({
      name: 'tenant',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['ecs:*'],
            Resource: [`${ECS}:cluster/vault`, `${ECS}:service/vault/*`, `${ECS}:task-definition/*`],
          },
          { Effect: 'Allow', Action: ['berth:UseSecret'], Resource: [`${SECRETS}/db`] },
        ],
      },
    });
    tenant = ecs({ accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await berth?.close();
  });

  function ecs(credentials: { accessKeyId: string; secretAccessKey: string }): ECSClient {
    const created = new ECSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(created);
    return created;
  }

  async function cli(
    key: { accessKeyId: string; secretAccessKey: string },
    args: string[],
    stdin = '',
  ): Promise<string> {
    const { code, stdout, stderr } = await berthCli(endpoint, key, args, stdin);
    if (code !== 0) throw new Error(`berth ${args.join(' ')} failed: ${stderr}`);
    return stdout;
  }

  async function refusal(call: (ecs: ECSClient) => Promise<unknown>): Promise<ECSServiceException | undefined> {
    try {
      await call(tenant);
      return undefined;
    } catch (error) {
      if (error instanceof ECSServiceException) return error;
      throw error;
    }
  }

  it.each([
    ['a Berth secret', container('berth:secret:other'), `${SECRETS}/other`],
    ['an SSM parameter', container(SSM), SSM],
    ['an SSM parameter by name', container('/prod/db'), SSM],
    ['a Secrets Manager secret', container(`${SECRETS_MANAGER}:password::`), SECRETS_MANAGER],
    [
      'registry credentials',
      {
        name: 'app',
        image: 'busybox:1.36',
        memory: 64,
        repositoryCredentials: { credentialsParameter: SECRETS_MANAGER },
      },
      SECRETS_MANAGER,
    ],
  ])('refuses to register a task definition naming %s the key may not use', async (_, definition, resource) => {
    const family = `stolen-${randomUUID().slice(0, 8)}`;
    const error = await refusal((ecs) =>
      ecs.send(new sdk.RegisterTaskDefinitionCommand({ family, containerDefinitions: [definition] })),
    );
    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.message).toContain(`is not authorized to perform: berth:UseSecret on resource: ${resource}`);
    const families = await admin.send(new sdk.ListTaskDefinitionFamiliesCommand({ familyPrefix: family }));
    expect(families.families).toEqual([]);
  });

  it('registers and deploys a task definition naming a secret the key may use', async () => {
    const registered = await tenant.send(
      new sdk.RegisterTaskDefinitionCommand({
        family: 'tenant-app',
        containerDefinitions: [container('berth:secret:db')],
      }),
    );
    expect(registered.taskDefinition?.revision).toBe(1);
    const created = await tenant.send(
      new sdk.CreateServiceCommand({
        cluster: 'vault',
        serviceName: 'tenant-svc',
        taskDefinition: 'tenant-app',
        desiredCount: 0,
      }),
    );
    expect(created.service?.taskDefinition).toBe(`${ECS}:task-definition/tenant-app:1`);
  });

  it.each<[string, (ecs: ECSClient) => Promise<unknown>]>([
    [
      'RunTask, with a command override',
      (ecs) =>
        ecs.send(
          new sdk.RunTaskCommand({
            cluster: 'vault',
            taskDefinition: 'admin-app',
            overrides: { containerOverrides: [{ name: 'app', command: ['env'] }] },
          }),
        ),
    ],
    [
      'CreateService',
      (ecs) =>
        ecs.send(
          new sdk.CreateServiceCommand({
            cluster: 'vault',
            serviceName: 'thief',
            taskDefinition: 'admin-app',
            desiredCount: 1,
          }),
        ),
    ],
    [
      'UpdateService',
      (ecs) =>
        ecs.send(
          new sdk.UpdateServiceCommand({ cluster: 'vault', service: 'tenant-svc', taskDefinition: 'admin-app' }),
        ),
    ],
  ])('refuses %s of another family whose secrets the key may not use', async (_, call) => {
    const error = await refusal(call);
    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.message).toContain(`berth:UseSecret on resource: ${SECRETS}/other`);
    const tasks = await admin.send(new sdk.ListTasksCommand({ cluster: 'vault' }));
    expect(tasks.taskArns).toEqual([]);
  });

  it('lists a secret with the clusters it is limited to', async () => {
    const listed = JSON.parse(await cli(await adminKey(), ['secrets', 'list', '--output', 'json'])) as {
      secrets: { name: string; clusters?: string[] }[];
    };
    expect(listed.secrets.find((s) => s.name === 'db')?.clusters).toEqual(['vault']);
    expect(listed.secrets.find((s) => s.name === 'other')?.clusters).toBeUndefined();
  });

  it('hands a cluster-limited secret to agents of that cluster only', async () => {
    const resources = { cpu: 1024, memory: 1024, reservedPorts: [], reservedPortsUdp: [] };
    const placed: Record<string, { instanceId: string; taskId: string }> = {};
    for (const cluster of ['vault', 'elsewhere']) {
      const instance = await registerInstance(ctx, cluster, { resources, attributes: [], agentVersion: 'test' });
      const run = await admin.send(new sdk.RunTaskCommand({ cluster, taskDefinition: 'db-app' }));
      await reconcileCluster(ctx, cluster);
      placed[cluster] = { instanceId: instance.value.id, taskId: run.tasks?.[0]?.taskArn?.split('/').pop() ?? '' };
    }
    const fetchFor = (cluster: string) => {
      const { instanceId, taskId } = placed[cluster] ?? { instanceId: '', taskId: '' };
      const source = controlPlaneSecretSource({ endpoint, cluster, auth: noAuth, instanceId: () => instanceId });
      return createSecretResolver({ berth: source }).containerSecrets(taskId, {
        name: 'app',
        image: 'busybox',
        secrets: [{ name: 'DB', valueFrom: 'berth:secret:db' }],
      });
    };
    expect(await fetchFor('vault')).toEqual({ ok: true, values: [{ name: 'DB', value }] });
    const refused = await fetchFor('elsewhere');
    expect(refused).toMatchObject({
      ok: false,
      failure: { kind: 'rejected', message: expect.stringContaining('SecretNotAllowed') },
    });
    expect(JSON.stringify(refused)).not.toContain(value);
  });

  async function adminKey(): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    const credentials = await admin.config.credentials();
    return { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
  }
});

const noAuth = { headers: async () => ({}) };
