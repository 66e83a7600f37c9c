import { describe, expect, it } from 'vitest';
import { checkLoadBalancers } from '#shared/domain/load-balancer-rules.ts';
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
      'loadBalancerName is not supported by Berth: use targetGroupArn.',
    ],
    [{ containerName: 'web', containerPort: 80 }, 'targetGroupArn, containerName and containerPort are required.'],
    [{ targetGroupArn: tg('a'), containerPort: 80 }, 'targetGroupArn, containerName and containerPort are required.'],
    [
      { targetGroupArn: tg('a'), containerName: 'web' },
      'targetGroupArn, containerName and containerPort are required.',
    ],
    [
      { targetGroupArn: tg('a'), containerName: 'web', containerPort: 80, advancedConfiguration: {} },
      'advancedConfiguration is not supported.',
    ],
  ])('refuses %o', (lb, message) => {
    expect(() => checkLoadBalancers([lb], definition)).toThrow(InvalidParameterError);
    expect(() => checkLoadBalancers([lb], definition)).toThrow(message);
  });

  it('refuses the same target group twice', () => {
    const twice = [
      { targetGroupArn: tg('a'), containerName: 'web', containerPort: 80 },
      { targetGroupArn: tg('a'), containerName: 'web', containerPort: 8080 },
    ];
    expect(() => checkLoadBalancers(twice, definition)).toThrow(`Target group ${tg('a')} is given twice.`);
  });

  it('checks only the shape when there is no task definition yet', () => {
    expect(
      checkLoadBalancers([{ targetGroupArn: tg('a'), containerName: 'any', containerPort: 9 }], undefined),
    ).toHaveLength(1);
  });
});
