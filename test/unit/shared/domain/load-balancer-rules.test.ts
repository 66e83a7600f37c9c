import { describe, expect, it } from 'vitest';
import { checkLoadBalancers, sameLoadBalancers } from '#shared/domain/load-balancer-rules.ts';
import { InvalidParameterError } from '#shared/domain/errors.ts';
import type { TaskDefinition } from '#shared/schemas/task-definition.ts';

const tg = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/50dc6c495c0c9188`;

const definition = {
  family: 'web',
  revision: 1,
  status: 'ACTIVE',
  networkMode: 'bridge',
  registeredAt: 0,
  reservation: { cpu: 0, memory: 64 },
  containerDefinitions: [
    { name: 'web', image: 'busybox', portMappings: [{ containerPort: 80 }, { containerPort: 8080, hostPort: 0 }] },
    { name: 'sidecar', image: 'busybox' },
  ],
} as TaskDefinition;

describe('checkLoadBalancers', () => {
  it('keeps target group, container and port of each load balancer', () => {
    const checked = checkLoadBalancers(
      [
        { targetGroupArn: tg('a'), containerName: 'web', containerPort: 80 },
        { targetGroupArn: tg('b'), containerName: 'web', containerPort: 8080 },
      ],
      definition,
    );
    expect(checked).toEqual([
      { targetGroupArn: tg('a'), containerName: 'web', containerPort: 80 },
      { targetGroupArn: tg('b'), containerName: 'web', containerPort: 8080 },
    ]);
  });

  it.each([
    [
      { targetGroupArn: tg('a'), containerName: 'db', containerPort: 80 },
      'The container db does not exist in the task definition.',
    ],
    [
      { targetGroupArn: tg('a'), containerName: 'web', containerPort: 81 },
      'The container web did not have a container port 81 defined.',
    ],
    [
      { targetGroupArn: tg('a'), containerName: 'sidecar', containerPort: 80 },
      'The container sidecar did not have a container port 80 defined.',
    ],
    [
      { loadBalancerName: 'classic', containerName: 'web', containerPort: 80 },
      /loadBalancerName \(a Classic Load Balancer\) is not supported/,
    ],
    [{ containerName: 'web', containerPort: 80 }, 'Target group ARN can not be blank.'],
    [
      { targetGroupArn: 'arn:aws:s3:::bucket', containerName: 'web', containerPort: 80 },
      'Invalid target group ARN: arn:aws:s3:::bucket.',
    ],
    [{ targetGroupArn: tg('a'), containerPort: 80 }, 'Container Name can not be blank.'],
    [{ targetGroupArn: tg('a'), containerName: 'web' }, 'Container Port can not be blank.'],
  ])('refuses %o', (lb, message) => {
    expect(() => checkLoadBalancers([lb], definition)).toThrow(InvalidParameterError);
    expect(() => checkLoadBalancers([lb], definition)).toThrow(message);
  });

  it('refuses the same target group twice and more than five', () => {
    const twice = [
      { targetGroupArn: tg('a'), containerName: 'web', containerPort: 80 },
      { targetGroupArn: tg('a'), containerName: 'web', containerPort: 8080 },
    ];
    expect(() => checkLoadBalancers(twice, definition)).toThrow(`Target group ${tg('a')} appears more than once`);
    const six = Array.from({ length: 6 }, (_, i) => ({
      targetGroupArn: tg(`t${i}`),
      containerName: 'web',
      containerPort: 80,
    }));
    expect(() => checkLoadBalancers(six, definition)).toThrow(/at most 5 target groups/);
  });

  it('checks only the shape when there is no task definition yet', () => {
    expect(
      checkLoadBalancers([{ targetGroupArn: tg('a'), containerName: 'any', containerPort: 9 }], undefined),
    ).toHaveLength(1);
  });
});

describe('sameLoadBalancers', () => {
  it('compares in order, member by member', () => {
    const a = { targetGroupArn: tg('a'), containerName: 'web', containerPort: 80 };
    const b = { targetGroupArn: tg('b'), containerName: 'web', containerPort: 80 };
    expect(sameLoadBalancers([a, b], [a, b])).toBe(true);
    expect(sameLoadBalancers([a], [a, b])).toBe(false);
    expect(sameLoadBalancers([a], [{ ...a, containerPort: 8080 }])).toBe(false);
  });
});
