import { describe, expect, it } from 'vitest';
import { serviceRevisionArn, serviceRevisionRef } from '#shared/domain/service-revision-arn.ts';

const d = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };

describe('service revision ARNs', () => {
  it('names a deployment revision by the digits of its deployment id, and reads back', () => {
    const arn = serviceRevisionArn(d, 'prod', 'web', 'ecs-svc/4711');
    expect(arn).toBe('arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/web/4711');
    expect(serviceRevisionRef(d, arn)).toEqual({ cluster: 'prod', service: 'web', id: 'ecs-svc/4711' });
  });

  it.each([
    ['a bare name', 'web'],
    ['a deployment ARN', 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/4711'],
    ['another account', 'arn:aws:ecs:eu-west-1:999999999999:service-revision/prod/web/4711'],
    ['a non-numeric id', 'arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/web/abc'],
  ])('refuses %s as an invalid parameter', (_, value) => {
    expect(() => serviceRevisionRef(d, value)).toThrow(expect.objectContaining({ name: 'InvalidParameterError' }));
  });
});
