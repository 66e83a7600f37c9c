import { describe, expect, it } from 'vitest';
import {
  arns,
  clusterName,
  resourceId,
  serviceDeploymentRef,
  serviceName,
  taskDefinitionRef,
} from '#shared/domain/arn.ts';
import { InvalidParameterError } from '#shared/domain/errors.ts';

const d = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };

describe('ARNs', () => {
  it('mints ECS-form ARNs', () => {
    expect(arns.cluster(d, 'prod')).toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/prod');
    expect(arns.task(d, 'prod', 'abc')).toBe('arn:aws:ecs:eu-west-1:123456789012:task/prod/abc');
    expect(arns.taskDefinition(d, 'web', 3)).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3');
  });

  it.each([
    [undefined, 'default'],
    ['', 'default'],
    ['prod', 'prod'],
    ['arn:aws:ecs:eu-west-1:123456789012:cluster/prod', 'prod'],
  ])('reads cluster %j as %s', (input, expected) => {
    expect(clusterName(d, input)).toBe(expected);
  });

  it.each(['has space', 'a/b', 'x'.repeat(256)])('refuses cluster %j', (input) => {
    expect(() => clusterName(d, input)).toThrow(InvalidParameterError);
  });

  it.each([
    ['web', { family: 'web' }],
    ['web:7', { family: 'web', revision: 7 }],
    ['arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7', { family: 'web', revision: 7 }],
  ])('reads task definition %s', (input, expected) => {
    expect(taskDefinitionRef(d, input)).toEqual(expected);
  });

  it.each(['web:x', 'we b', 'web:1:2'])('refuses task definition %s', (input) => {
    expect(() => taskDefinitionRef(d, input)).toThrow(InvalidParameterError);
  });

  it('reads task ids from ids, new-form and old-form ARNs', () => {
    expect(resourceId(d, 'abc123', 'task', 'prod')).toBe('abc123');
    expect(resourceId(d, arns.task(d, 'prod', 'abc123'), 'task', 'prod')).toBe('abc123');
    expect(resourceId(d, 'arn:aws:ecs:eu-west-1:123456789012:task/abc123', 'task', 'prod')).toBe('abc123');
  });

  it('refuses an ARN of another cluster or kind', () => {
    expect(() => resourceId(d, arns.task(d, 'other', 'abc'), 'task', 'prod')).toThrow(/does not belong/);
    expect(() => resourceId(d, arns.cluster(d, 'prod'), 'task', 'prod')).toThrow(InvalidParameterError);
  });

  it.each([
    ['another partition', 'arn:aws-cn:ecs:eu-west-1:123456789012'],
    ['another region', 'arn:aws:ecs:us-east-1:123456789012'],
    ['another account', 'arn:aws:ecs:eu-west-1:210987654321'],
    ['another service', 'arn:aws:iam:eu-west-1:123456789012'],
  ])('refuses an ARN of %s, whatever it names', (_, prefix) => {
    expect(() => clusterName(d, `${prefix}:cluster/prod`)).toThrow(/not in this deployment|not an ECS ARN/);
    expect(() => taskDefinitionRef(d, `${prefix}:task-definition/web:1`)).toThrow(InvalidParameterError);
    expect(() => resourceId(d, `${prefix}:task/prod/abc`, 'task', 'prod')).toThrow(InvalidParameterError);
    expect(() => resourceId(d, `${prefix}:container-instance/prod/abc`, 'container-instance', 'prod')).toThrow(
      InvalidParameterError,
    );
    expect(() => serviceName(d, `${prefix}:service/prod/api`, 'prod')).toThrow(InvalidParameterError);
    expect(() => serviceDeploymentRef(d, `${prefix}:service-deployment/prod/api/123`)).toThrow(InvalidParameterError);
  });

  it('reads services and service deployments of this deployment', () => {
    expect(serviceName(d, arns.service(d, 'prod', 'api'), 'prod')).toBe('api');
    expect(() => serviceName(d, arns.service(d, 'other', 'api'), 'prod')).toThrow(/does not belong/);
    expect(serviceDeploymentRef(d, 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/api/123')).toEqual({
      cluster: 'prod',
      service: 'api',
      id: 'ecs-svc/123',
    });
  });
});
