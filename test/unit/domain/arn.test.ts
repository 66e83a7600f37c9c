import { describe, expect, it } from 'vitest';
import { arns, clusterName, resourceId, taskDefinitionRef } from '../../../shared/domain/arn.ts';
import { InvalidParameterError } from '../../../shared/domain/errors.ts';

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
    expect(clusterName(input)).toBe(expected);
  });

  it.each(['has space', 'a/b', 'x'.repeat(256)])('refuses cluster %j', (input) => {
    expect(() => clusterName(input)).toThrow(InvalidParameterError);
  });

  it.each([
    ['web', { family: 'web' }],
    ['web:7', { family: 'web', revision: 7 }],
    ['arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7', { family: 'web', revision: 7 }],
  ])('reads task definition %s', (input, expected) => {
    expect(taskDefinitionRef(input)).toEqual(expected);
  });

  it.each(['web:x', 'we b', 'web:1:2'])('refuses task definition %s', (input) => {
    expect(() => taskDefinitionRef(input)).toThrow(InvalidParameterError);
  });

  it('reads task ids from ids, new-form and old-form ARNs', () => {
    expect(resourceId('abc123', 'task', 'prod')).toBe('abc123');
    expect(resourceId(arns.task(d, 'prod', 'abc123'), 'task', 'prod')).toBe('abc123');
    expect(resourceId('arn:aws:ecs:eu-west-1:123456789012:task/abc123', 'task', 'prod')).toBe('abc123');
  });

  it('refuses an ARN of another cluster or kind', () => {
    expect(() => resourceId(arns.task(d, 'other', 'abc'), 'task', 'prod')).toThrow(/does not belong/);
    expect(() => resourceId(arns.cluster(d, 'prod'), 'task', 'prod')).toThrow(InvalidParameterError);
  });
});
