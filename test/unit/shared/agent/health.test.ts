import { describe, expect, it } from 'vitest';
import { fromRuntimeHealth, taskHealth, toRuntimeHealthCheck } from '#shared/agent/health.ts';
import type { ContainerState } from '#shared/agent/task-model.ts';
import { aContainer } from './fixtures.ts';

describe('toRuntimeHealthCheck', () => {
  it('fills in ECS defaults: interval 30, timeout 5, retries 3, start period 0', () => {
    expect(toRuntimeHealthCheck({ command: ['CMD-SHELL', 'curl -f localhost'] })).toEqual({
      test: ['CMD-SHELL', 'curl -f localhost'],
      intervalSeconds: 30,
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 0,
    });
  });

  it.each([
    [
      ['CMD', 'true'],
      ['CMD', 'true'],
    ],
    [
      ['CMD-SHELL', 'exit 0'],
      ['CMD-SHELL', 'exit 0'],
    ],
    [
      ['curl', '-f', 'localhost'],
      ['CMD-SHELL', 'curl -f localhost'],
    ],
  ])('maps the command %j to the engine test %j', (command, test) => {
    expect(toRuntimeHealthCheck({ command, interval: 5, timeout: 2, retries: 1, startPeriod: 10 })).toMatchObject({
      test,
      intervalSeconds: 5,
      timeoutSeconds: 2,
      retries: 1,
      startPeriodSeconds: 10,
    });
  });

  it.each([[['NONE']], [['CMD']], [['CMD-SHELL']]])('has no check for %j', (command) => {
    expect(toRuntimeHealthCheck({ command })).toBeUndefined();
  });

  it.each([
    ['starting', 'UNKNOWN'],
    ['healthy', 'HEALTHY'],
    ['unhealthy', 'UNHEALTHY'],
  ] as const)('reads the engine health %s as %s', (runtime, ecs) => {
    expect(fromRuntimeHealth(runtime)).toBe(ecs);
  });
});

describe('taskHealth', () => {
  const checked = (health: ContainerState['health'], essential = true) =>
    aContainer({ hasHealthCheck: true, health, essential });
  it.each<[string, ContainerState[], string]>([
    ['no container has a check', [aContainer(), aContainer()], 'UNKNOWN'],
    ['all essential checks pass', [checked('HEALTHY'), checked('HEALTHY'), aContainer()], 'HEALTHY'],
    ['one essential check fails', [checked('HEALTHY'), checked('UNHEALTHY')], 'UNHEALTHY'],
    ['one is still starting', [checked('HEALTHY'), checked('UNKNOWN')], 'UNKNOWN'],
    ['only a non-essential check fails', [checked('HEALTHY'), checked('UNHEALTHY', false)], 'HEALTHY'],
  ])('%s: %s', (_, containers, expected) => {
    expect(taskHealth(containers)).toBe(expected);
  });
});
