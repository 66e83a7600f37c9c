import { describe, expect, it } from 'vitest';
import { isReadOnly } from '#shared/security/actions.ts';
import { scopeOf } from '#shared/security/scope/resolve.ts';
import { secretResourceArn, secretsNamedBy, secretUseScope } from '#shared/security/scope/secret-use.ts';

const d = { partition: 'aws', region: 'us-east-1', accountId: '000000000000' };
const ARN = 'arn:aws:ecs:us-east-1:000000000000';
const TASK = '0123456789abcdef0123456789abcdef';

/** What each operation acts on: resolved from the request, as the operation itself resolves identifiers. */
describe('request scope', () => {
  it.each<[string, unknown, string[], Record<string, string[]>?]>([
    // RunTask acts on the task definition, as in ECS, and on the cluster, as policies naming clusters expect.
    [
      'RunTask',
      { cluster: 'A', taskDefinition: 'web' },
      [`${ARN}:cluster/A`, `${ARN}:task-definition/web:*`],
      { 'ecs:cluster': [`${ARN}:cluster/A`] },
    ],
    ['RunTask', { taskDefinition: 'web:3' }, [`${ARN}:cluster/default`, `${ARN}:task-definition/web:3`]],
    [
      'StartTask',
      { cluster: 'A', taskDefinition: 'web:3', containerInstances: ['i1'] },
      [`${ARN}:cluster/A`, `${ARN}:task-definition/web:3`],
    ],
    [
      'CreateService',
      { cluster: 'A', serviceName: 'api', taskDefinition: 'web:2' },
      [`${ARN}:service/A/api`, `${ARN}:task-definition/web:2`],
    ],
    [
      'UpdateService',
      { cluster: 'A', service: 'api', taskDefinition: 'web' },
      [`${ARN}:service/A/api`, `${ARN}:task-definition/web:*`],
    ],
    // Task sets act on their service, and creating one on the task definition it runs.
    [
      'CreateTaskSet',
      { cluster: 'A', service: 'api', taskDefinition: 'web:2' },
      [`${ARN}:service/A/api`, `${ARN}:task-definition/web:2`],
    ],
    ['UpdateTaskSet', { cluster: 'A', service: 'api', taskSet: 'ecs-svc/1' }, [`${ARN}:service/A/api`]],
    [
      'DeleteTaskSet',
      { cluster: 'A', service: `${ARN}:service/A/api`, taskSet: 'ecs-svc/1' },
      [`${ARN}:service/A/api`],
    ],
    ['DescribeTaskSets', { cluster: 'A', service: 'api' }, [`${ARN}:service/A/api`]],
    ['UpdateServicePrimaryTaskSet', { cluster: 'A', service: 'api', primaryTaskSet: 'x' }, [`${ARN}:service/A/api`]],
    // An ARN of another region or account names nothing here: matched as given, refused by the operation.
    [
      'RunTask',
      { cluster: 'arn:aws:ecs:eu-west-1:111111111111:cluster/A', taskDefinition: 'web:1' },
      ['arn:aws:ecs:eu-west-1:111111111111:cluster/A', `${ARN}:task-definition/web:1`],
    ],
    [
      'DescribeServiceDeployments',
      { serviceDeploymentArns: ['arn:aws-cn:ecs:us-east-1:000000000000:service-deployment/B/api/1'] },
      ['arn:aws-cn:ecs:us-east-1:000000000000:service-deployment/B/api/1'],
    ],
    [
      'StopServiceDeployment',
      { serviceDeploymentArn: `${ARN}:service-deployment/B/api/1` },
      [`${ARN}:service-deployment/B/api/1`],
      { 'ecs:cluster': [`${ARN}:cluster/B`] },
    ],
    ['CreateCluster', { clusterName: 'new' }, [`${ARN}:cluster/new`]],
    ['DescribeClusters', { clusters: ['A', `${ARN}:cluster/B`] }, [`${ARN}:cluster/A`, `${ARN}:cluster/B`]],
    ['DescribeClusters', {}, [`${ARN}:cluster/default`]],
    ['ListClusters', {}, ['*']],
    ['StopTask', { cluster: 'A', task: TASK }, [`${ARN}:task/A/${TASK}`], { 'ecs:cluster': [`${ARN}:cluster/A`] }],
    [
      'DescribeTasks',
      { cluster: 'A', tasks: [TASK, `${ARN}:task/A/${TASK}`] },
      [`${ARN}:task/A/${TASK}`, `${ARN}:task/A/${TASK}`],
    ],
    ['DescribeContainerInstances', { cluster: 'A', containerInstances: ['i1'] }, [`${ARN}:container-instance/A/i1`]],
    ['RegisterTaskDefinition', { family: 'web' }, [`${ARN}:task-definition/web:*`]],
    ['DescribeTaskDefinition', { taskDefinition: 'web:3' }, [`${ARN}:task-definition/web:3`]],
    [
      'CreateService',
      { cluster: 'A', serviceName: 'api' },
      [`${ARN}:service/A/api`],
      { 'ecs:cluster': [`${ARN}:cluster/A`] },
    ],
    ['UpdateService', { cluster: 'A', service: `${ARN}:service/A/api` }, [`${ARN}:service/A/api`]],
    ['TagResource', { resourceArn: `${ARN}:cluster/A`, tags: [] }, [`${ARN}:cluster/A`]],
    ['LaunchRockets', { cluster: 'A' }, [`${ARN}:cluster/A`]],
    ['LaunchRockets', {}, ['*']],
    // Unreadable identifiers are matched as given: only `*` matches them.
    ['RunTask', { cluster: 'not a name!', taskDefinition: 'web:1' }, ['not a name!', `${ARN}:task-definition/web:1`]],
    ['RunTask', 'not an object', [`${ARN}:cluster/default`, '']],
  ])('%s %j acts on %j', (operation, input, resources, keys = {}) => {
    const scope = scopeOf(d, `ecs:${operation}`, input);
    expect(scope.action).toBe(`ecs:${operation}`);
    expect(scope.resources.map((r) => r.arn)).toEqual(resources);
    for (const [key, values] of Object.entries(keys)) expect(scope.resources[0]?.keys[key]).toEqual(values);
  });

  it('carries request tags and the task definition as condition keys', () => {
    const scope = scopeOf(d, 'ecs:RunTask', {
      cluster: 'A',
      taskDefinition: 'web:2',
      tags: [{ key: 'team', value: 'blue' }],
    });
    expect(scope.keys).toEqual({
      'aws:RequestTag/team': ['blue'],
      'aws:TagKeys': ['team'],
      'ecs:task-definition': [`${ARN}:task-definition/web:2`],
    });
  });

  it('scopes rotating a key to that key', () => {
    expect(scopeOf(d, 'berth:RotateAccessKey', { accessKeyId: 'BKIAAAAAAAAAAAAAAAAA' }).resources[0]?.arn).toBe(
      'arn:aws:berth:us-east-1:000000000000:access-key/BKIAAAAAAAAAAAAAAAAA',
    );
    expect(scopeOf(d, 'berth:CreateAccessKey', {}).resources[0]?.arn).toBe('*');
  });

  it.each([
    [
      'berth:CreateRegistrationToken',
      { cluster: 'prod', ttlSeconds: 60 },
      `${ARN}:cluster/prod`,
      { 'ecs:cluster': [`${ARN}:cluster/prod`] },
    ],
    [
      'berth:PutClusterPolicy',
      { clusterName: 'prod', policy: {} },
      `${ARN}:cluster/prod`,
      { 'ecs:cluster': [`${ARN}:cluster/prod`] },
    ],
    [
      'berth:GetClusterPolicy',
      { clusterName: `${ARN}:cluster/prod` },
      `${ARN}:cluster/prod`,
      { 'ecs:cluster': [`${ARN}:cluster/prod`] },
    ],
    [
      'berth:PutSecret',
      { name: 'db.password', value: 'x' },
      'arn:aws:berth:us-east-1:000000000000:secret/db.password',
      {},
    ],
    ['berth:DeleteSecret', { name: 'db.password' }, 'arn:aws:berth:us-east-1:000000000000:secret/db.password', {}],
    ['berth:ListSecrets', {}, '*', {}],
    ['berth:PutClusterPolicy', { policy: {} }, '*', {}],
  ])('scopes %s to what it acts on: %j', (action, input, arn, keys) => {
    const [resource] = scopeOf(d, action, input).resources;
    expect(resource?.arn).toBe(arn);
    expect(resource?.keys).toEqual(keys);
  });

  it.each([
    ['ecs:DescribeTasks', true],
    ['ecs:ListClusters', true],
    ['ecs:ExplainPlacement', true],
    ['berth:ReadAudit', true],
    ['ecs:RunTask', false],
    ['ecs:SomethingNew', false],
    ['berth:RotateAccessKey', false],
    ['application-autoscaling:DescribeScalingPolicies', true],
    ['application-autoscaling:PutScalingPolicy', false],
  ])('%s is read-only: %s', (action, readOnly) => {
    expect(isReadOnly(action)).toBe(readOnly);
  });

  it.each([
    ['berth:secret:db', 'arn:aws:berth:us-east-1:000000000000:secret/db'],
    ['arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db', 'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db'],
    ['/prod/db', 'arn:aws:ssm:us-east-1:000000000000:parameter/prod/db'],
    ['db', 'arn:aws:ssm:us-east-1:000000000000:parameter/db'],
    [
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password:AWSCURRENT:',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
    ],
    ['berth:secret:not valid!', 'berth:secret:not valid!'],
  ])('authorises using secret %s on %s', (valueFrom, arn) => {
    expect(secretResourceArn(d, valueFrom)).toBe(arn);
  });

  it('asks berth:UseSecret once per secret a task definition names, registry credentials included', () => {
    const definition = {
      containerDefinitions: [
        { secrets: [{ valueFrom: 'berth:secret:a' }, { valueFrom: 'berth:secret:a' }] },
        { repositoryCredentials: { credentialsParameter: 'berth:secret:registry' } },
      ],
    };
    const scope = secretUseScope(d, secretsNamedBy(definition), { 'ecs:cluster': [`${ARN}:cluster/A`] });
    expect(scope?.action).toBe('berth:UseSecret');
    expect(scope?.resources.map((r) => r.arn)).toEqual([
      'arn:aws:berth:us-east-1:000000000000:secret/a',
      'arn:aws:berth:us-east-1:000000000000:secret/registry',
    ]);
    expect(scope?.keys).toEqual({ 'ecs:cluster': [`${ARN}:cluster/A`] });
    expect(secretUseScope(d, secretsNamedBy({ containerDefinitions: [{}] }), {})).toBeUndefined();
  });
});
