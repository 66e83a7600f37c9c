import { describe, expect, it } from 'vitest';
import { admitMembers } from '#functions/api/ecs/model/member-gate.ts';
import { ecsOperations } from '#functions/api/ecs/router.ts';
import { ClientError, InvalidParameterError } from '#shared/domain/errors.ts';

function admit(operation: string, body: unknown): unknown {
  return admitMembers(operation, ecsOperations[operation]!.schema, body);
}

const service = { serviceName: 's', taskDefinition: 'td' };

describe('admitMembers', () => {
  it.each([
    ['CreateService', { ...service, loadBalancers: [], serviceRegistries: [], capacityProviderStrategy: [] }],
    [
      'CreateService',
      { ...service, deploymentConfiguration: { alarms: { alarmNames: [], enable: false, rollback: false } } },
    ],
    ['CreateService', { ...service, availabilityZoneRebalancing: 'DISABLED' }],
    ['UpdateService', { service: 's', deploymentController: { type: 'ECS' } }],
    [
      'RegisterTaskDefinition',
      { family: 'f', containerDefinitions: [], inferenceAccelerators: [], enableFaultInjection: false },
    ],
  ])('leaves out %s members that ask for nothing, as ECS exports them: %j', (operation, body) => {
    const parsed = ecsOperations[operation]!.schema.safeParse(admit(operation, body));
    const issues = parsed.success ? [] : parsed.error.issues;
    expect(issues.filter((i) => i.code === 'unrecognized_keys')).toEqual([]);
  });

  it('keeps the members the schema declares and changes nothing in the body it was given', () => {
    const body = { ...service, desiredCount: 2, volumeConfigurations: [] };
    expect(admit('CreateService', body)).toEqual({ ...service, desiredCount: 2 });
    expect(body.volumeConfigurations).toEqual([]);
  });

  it('refuses a member Berth cannot honour with its declared error', () => {
    expect(() =>
      admit('RegisterTaskDefinition', { family: 'f', inferenceAccelerators: [{ deviceName: 'd' }] }),
    ).toThrow(
      new ClientError(
        'inferenceAccelerators is not supported by Berth: Amazon Elastic Inference accelerators are retired and no Berth host offers them',
      ),
    );
    expect(() => admit('RunTask', { taskDefinition: 't', platformVersion: 'LATEST' })).toThrow(InvalidParameterError);
  });

  it('validates a member not yet supported before refusing it, naming the member', () => {
    const subnets = Array.from({ length: 17 }, (_, i) => `subnet-${i}`);
    expect(() =>
      admit('CreateTaskSet', {
        service: 's',
        cluster: 'c',
        taskDefinition: 'td',
        networkConfiguration: { awsvpcConfiguration: { subnets } },
      }),
    ).toThrow(/networkConfiguration\.awsvpcConfiguration\.subnets/);
    expect(() =>
      admit('CreateTaskSet', {
        service: 'web',
        cluster: 'c',
        taskDefinition: 't',
        serviceRegistries: [{ registryArn: 'arn:r', port: 80 }],
      }),
    ).toThrow(new ClientError('serviceRegistries is not yet supported by Berth'));
  });

  it('refuses a refused member whose object names a key, even with a null value', () => {
    const configuration = { executeCommandConfiguration: { logConfiguration: { 'x ': null } } };
    expect(() => admit('CreateCluster', { configuration })).toThrow(ClientError);
    expect(admit('CreateCluster', { configuration: null })).toEqual({});
    expect(admit('CreateCluster', { configuration: { executeCommandConfiguration: {} } })).toEqual({});
  });

  it('refuses a refused member whose nested object names a key, even with an empty value', () => {
    for (const empty of [[], false, {}]) {
      const configuration = { executeCommandConfiguration: { logConfiguration: { 'x ': empty } } };
      expect(() => admit('CreateCluster', { configuration })).toThrow(ClientError);
    }
    expect(admit('CreateCluster', { configuration: { executeCommandConfiguration: {}, other: [] } })).toEqual({});
  });

  it('leaves keys outside the model to the schema, which names them as unknown', () => {
    const admitted = admit('RegisterTaskDefinition', { family: 'f', taskDefinitionArn: 'arn' });
    expect(admitted).toEqual({ family: 'f', taskDefinitionArn: 'arn' });
  });
});
