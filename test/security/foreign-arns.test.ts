import * as sdk from '@aws-sdk/client-ecs';
import { ECSClient, ECSServiceException } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';

const HERE = 'arn:aws:ecs:us-east-1:000000000000';
const ELSEWHERE = [
  ['another partition', 'arn:aws-cn:ecs:us-east-1:000000000000'],
  ['another region', 'arn:aws:ecs:eu-west-1:000000000000'],
  ['another account', 'arn:aws:ecs:us-east-1:111111111111'],
] as const;

/** Every operation that takes an ARN, given one that names cluster B's resources in `prefix`. */
function operations(prefix: string, deploymentDigits: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries([
    ['DescribeClusters', { clusters: [`${prefix}:cluster/B`] }],
    ['RunTask', { cluster: `${prefix}:cluster/B`, taskDefinition: 'web' }],
    ['ListTasks', { cluster: `${prefix}:cluster/B` }],
    ['DescribeTasks', { cluster: 'B', tasks: [`${prefix}:task/B/0123456789abcdef`] }],
    ['StopTask', { cluster: 'B', task: `${prefix}:task/B/0123456789abcdef` }],
    ['DescribeTaskDefinition', { taskDefinition: `${prefix}:task-definition/web:1` }],
    ['DescribeContainerInstances', { cluster: 'B', containerInstances: [`${prefix}:container-instance/B/i-1`] }],
    ['DescribeServices', { cluster: 'B', services: [`${prefix}:service/B/api`] }],
    ['UpdateService', { cluster: 'B', service: `${prefix}:service/B/api`, desiredCount: 2 }],
    [
      'DescribeServiceDeployments',
      { serviceDeploymentArns: [`${prefix}:service-deployment/B/api/${deploymentDigits}`] },
    ],
    ['StopServiceDeployment', { serviceDeploymentArn: `${prefix}:service-deployment/B/api/${deploymentDigits}` }],
  ]);
}
const OPERATIONS = Object.keys(operations('', ''));

/**
 * One reader of ARNs for the authoriser and the operations: an ARN of
 * another partition, region or account names nothing this Berth holds, so
 * the operation refuses it (InvalidParameterException) rather than acting on
 * the local resource of the same name, which a Deny on that resource would
 * not have seen.
 */
describe('ARNs of another partition, region or account', () => {
  let berth: SecureBerth;
  let admin: ECSClient;
  let denyB: ECSClient;
  let digits = '';

  beforeAll(async () => {
    berth = await startSecureBerth({ listen: true });
    admin = client(berth.adminKey);
    await admin.send(new sdk.CreateClusterCommand({ clusterName: 'A' }));
    await admin.send(new sdk.CreateClusterCommand({ clusterName: 'B' }));
    await admin.send(
      new sdk.RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'busybox', memory: 64 }],
      }),
    );
    await admin.send(
      new sdk.CreateServiceCommand({ cluster: 'B', serviceName: 'api', taskDefinition: 'web', desiredCount: 0 }),
    );
    const listed = await admin.send(new sdk.ListServiceDeploymentsCommand({ cluster: 'B', service: 'api' }));
    digits = /\/(\d+)$/.exec(listed.serviceDeployments?.[0]?.serviceDeploymentArn ?? '')?.[1] ?? '';
    const key = await berth.security.admin.createAccessKey({
      name: 'not-b',
      policy: {
        Statement: [
          { Effect: 'Allow', Action: ['ecs:*'], Resource: ['*'] },
          { Effect: 'Deny', Action: ['ecs:*'], Resource: [`${HERE}:cluster/B`] },
          {
            Effect: 'Deny',
            Action: ['ecs:*'],
            Resource: ['*'],
            Condition: { ArnEquals: { 'ecs:cluster': [`${HERE}:cluster/B`] } },
          },
        ],
      },
    });
    denyB = client({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
  });
  afterAll(async () => {
    admin?.destroy();
    denyB?.destroy();
    await berth?.close();
  });

  function client(credentials: { accessKeyId: string; secretAccessKey: string }): ECSClient {
    return new ECSClient({ endpoint: berth.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  }

  async function send(
    ecs: ECSClient,
    operation: string,
    input: Record<string, unknown>,
  ): Promise<{ error?: ECSServiceException }> {
    const Command = (sdk as unknown as Record<string, new (input: unknown) => sdk.DescribeClustersCommand>)[
      `${operation}Command`
    ];
    if (!Command) throw new Error(`the SDK has no ${operation}Command`);
    try {
      await ecs.send(new Command(input));
      return {};
    } catch (error) {
      if (error instanceof ECSServiceException) return { error };
      throw error;
    }
  }

  it('finds the local service deployment the ARNs below imitate', () => {
    expect(digits).toMatch(/^\d+$/);
  });

  describe.each(ELSEWHERE)('%s', (_, prefix) => {
    it.each(OPERATIONS)('%s is refused with InvalidParameterException', async (operation) => {
      const { error } = await send(admin, operation, operations(prefix, digits)[operation] ?? {});
      expect(error?.name).toBe('InvalidParameterException');
      expect(error?.message).toContain(prefix);
    });

    it.each(OPERATIONS)('%s does not slip past a Deny on cluster B', async (operation) => {
      const before = await admin.send(new sdk.DescribeServicesCommand({ cluster: 'B', services: ['api'] }));
      const { error } = await send(denyB, operation, operations(prefix, digits)[operation] ?? {});
      expect(['AccessDeniedException', 'InvalidParameterException']).toContain(error?.name);
      const after = await admin.send(new sdk.DescribeServicesCommand({ cluster: 'B', services: ['api'] }));
      expect(after.services?.[0]?.deployments).toEqual(before.services?.[0]?.deployments);
      expect(after.services?.[0]?.desiredCount).toBe(0);
    });
  });

  it('still reads ARNs of this deployment', async () => {
    const described = await admin.send(new sdk.DescribeClustersCommand({ clusters: [`${HERE}:cluster/B`] }));
    expect(described.clusters?.[0]?.clusterName).toBe('B');
    const deployments = await admin.send(
      new sdk.DescribeServiceDeploymentsCommand({
        serviceDeploymentArns: [`${HERE}:service-deployment/B/api/${digits}`],
      }),
    );
    expect(deployments.serviceDeployments).toHaveLength(1);
  });
});
