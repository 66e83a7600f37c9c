import * as sdk from '@aws-sdk/client-ecs';
import { ECSClient, ECSServiceException } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyDocumentInput } from '#shared/security/policy/document.ts';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';

const ARN = 'arn:aws:ecs:us-east-1:000000000000';
const RUNS = ['ecs:RunTask', 'ecs:StartTask', 'ecs:CreateService', 'ecs:UpdateService'];

/** Every way to run a task definition, each naming `taskDefinition` as given. */
const ways = (taskDefinition: string): [string, Record<string, unknown>][] => [
  ['RunTask', { cluster: 'A', taskDefinition }],
  ['StartTask', { cluster: 'A', taskDefinition, containerInstances: ['no-such-instance'] }],
  [
    'CreateService',
    { cluster: 'A', serviceName: `svc-${Math.random().toString(36).slice(2, 8)}`, taskDefinition, desiredCount: 0 },
  ],
  ['UpdateService', { cluster: 'A', service: 'existing', taskDefinition }],
];

/**
 * RunTask, StartTask, CreateService and UpdateService are authorised on the
 * task definition they would run, as ECS authorises RunTask: an Allow that
 * names some families allows only those, and a Deny on a family (or on the
 * revision a bare family resolves to) refuses it however it is named.
 */
describe('authorisation on the task definition a call runs', () => {
  let berth: SecureBerth;
  let admin: ECSClient;
  const clients: ECSClient[] = [];

  beforeAll(async () => {
    berth = await startSecureBerth({ listen: true });
    admin = client(berth.adminKey);
    await admin.send(new sdk.CreateClusterCommand({ clusterName: 'A' }));
    for (const family of ['web', 'web', 'batch']) {
      await admin.send(
        new sdk.RegisterTaskDefinitionCommand({
          family,
          containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }],
        }),
      );
    }
    await admin.send(
      new sdk.CreateServiceCommand({ cluster: 'A', serviceName: 'existing', taskDefinition: 'web:1', desiredCount: 0 }),
    );
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await berth?.close();
  });

  function client(credentials: { accessKeyId: string; secretAccessKey: string }): ECSClient {
    const created = new ECSClient({ endpoint: berth.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(created);
    return created;
  }

  async function keyWith(policy: PolicyDocumentInput): Promise<ECSClient> {
    const created = await berth.security.admin.createAccessKey({
      policy: { Version: '2012-10-17', ...policy } as never,
    });
    return client({ accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey });
  }

  async function send(
    ecs: ECSClient,
    operation: string,
    input: Record<string, unknown>,
  ): Promise<ECSServiceException | undefined> {
    const Command = (sdk as unknown as Record<string, new (input: unknown) => sdk.RunTaskCommand>)[
      `${operation}Command`
    ];
    if (!Command) throw new Error(`the SDK has no ${operation}Command`);
    try {
      await ecs.send(new Command(input));
      return undefined;
    } catch (error) {
      if (error instanceof ECSServiceException) return error;
      throw error;
    }
  }

  async function expectRefused(ecs: ECSClient, operation: string, input: Record<string, unknown>, resource: string) {
    const error = await send(ecs, operation, input);
    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.message).toContain(`ecs:${operation} on resource: ${resource}`);
  }

  async function expectAuthorised(ecs: ECSClient, operation: string, input: Record<string, unknown>) {
    // Whatever the operation then answers (no instance to run on, ...), the policy let it through.
    expect((await send(ecs, operation, input))?.name).not.toBe('AccessDeniedException');
  }

  describe('an Allow naming the web family only', () => {
    let key: ECSClient;
    beforeAll(async () => {
      key = await keyWith({
        Statement: [
          {
            Effect: 'Allow',
            Action: RUNS,
            Resource: [`${ARN}:cluster/A`, `${ARN}:service/A/*`, `${ARN}:task-definition/web:*`],
          },
        ],
      });
    });

    it.each(ways('web'))('%s of web is authorised', async (operation, input) => {
      await expectAuthorised(key, operation, input);
    });

    it.each([...ways('batch'), ...ways('batch:1'), ...ways(`${ARN}:task-definition/batch:1`)])(
      '%s of another family is refused: %j',
      async (operation, input) => {
        await expectRefused(key, operation, input, `${ARN}:task-definition/batch:1`);
      },
    );

    it('leaves the service as it was after a refused update', async () => {
      const before = await admin.send(new sdk.DescribeServicesCommand({ cluster: 'A', services: ['existing'] }));
      await expectRefused(
        key,
        'UpdateService',
        { cluster: 'A', service: 'existing', taskDefinition: 'batch' },
        `${ARN}:task-definition/batch:1`,
      );
      const after = await admin.send(new sdk.DescribeServicesCommand({ cluster: 'A', services: ['existing'] }));
      expect(after.services?.[0]?.taskDefinition).toMatch(/task-definition\/web:\d$/);
      expect(after.services?.[0]?.deployments).toEqual(before.services?.[0]?.deployments);
    });
  });

  describe('a Deny on a family', () => {
    let key: ECSClient;
    beforeAll(async () => {
      key = await keyWith({
        Statement: [
          { Effect: 'Allow', Action: 'ecs:*', Resource: '*' },
          { Effect: 'Deny', Action: RUNS, Resource: `${ARN}:task-definition/web:*` },
        ],
      });
    });

    it.each([...ways('web'), ...ways('web:1'), ...ways(`${ARN}:task-definition/web:2`)])(
      'refuses %s of it: %j',
      async (operation, input) => {
        const error = await send(key, operation, input);
        expect(error?.name).toBe('AccessDeniedException');
        expect(error?.message).toMatch(
          /on resource: arn:aws:ecs:us-east-1:000000000000:task-definition\/web:\d with an explicit deny/,
        );
      },
    );

    it.each(ways('batch'))('still authorises %s of another family', async (operation, input) => {
      await expectAuthorised(key, operation, input);
    });
  });

  it('resolves a bare family to the revision it would run before deciding', async () => {
    const key = await keyWith({
      Statement: [
        { Effect: 'Allow', Action: 'ecs:*', Resource: '*' },
        { Effect: 'Deny', Action: 'ecs:RunTask', Resource: `${ARN}:task-definition/web:2` },
      ],
    });
    await expectRefused(key, 'RunTask', { cluster: 'A', taskDefinition: 'web' }, `${ARN}:task-definition/web:2`);
    await expectAuthorised(key, 'RunTask', { cluster: 'A', taskDefinition: 'web:1' });
  });
});
