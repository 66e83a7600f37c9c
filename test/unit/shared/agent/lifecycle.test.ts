import { describe, expect, it } from 'vitest';
import { CONTAINER_STEPS, containerGoal, deriveTaskStatus, reportedContainerStatus } from '#shared/agent/lifecycle.ts';
import type { ContainerStatus } from '#shared/agent/task-model.ts';
import { aContainer } from './fixtures.ts';

describe('the container transition table', () => {
  it.each<[ContainerStatus, 'RUNNING' | 'STOPPED', string | undefined]>([
    ['NONE', 'RUNNING', 'pull'],
    ['PULLED', 'RUNNING', 'create'],
    ['CREATED', 'RUNNING', 'start'],
    ['RUNNING', 'RUNNING', undefined],
    ['STOPPED', 'RUNNING', undefined],
    ['NONE', 'STOPPED', 'abandon'],
    ['PULLED', 'STOPPED', 'abandon'],
    ['CREATED', 'STOPPED', 'abandon'],
    ['RUNNING', 'STOPPED', 'stop'],
    ['STOPPED', 'STOPPED', undefined],
  ])('%s heading for %s takes step %s', (status, goal, step) => {
    expect(CONTAINER_STEPS[status][goal]).toBe(step);
  });

  it.each([
    [{ stopping: false, desiredStatus: 'RUNNING' as const }, 'RUNNING'],
    [{ stopping: true, desiredStatus: 'RUNNING' as const }, 'STOPPED'],
    [{ stopping: false, desiredStatus: 'STOPPED' as const }, 'STOPPED'],
  ])('containers of %o head for %s', (task, goal) => {
    expect(containerGoal(task)).toBe(goal);
  });
});

describe('deriveTaskStatus', () => {
  const c = aContainer;
  it.each([
    ['every container stopped', false, [c({ status: 'STOPPED' }), c({ status: 'STOPPED' })], 'STOPPED'],
    ['stopping with one still running', true, [c({ status: 'RUNNING' }), c({ status: 'STOPPED' })], 'STOPPING'],
    ['all running', false, [c({ status: 'RUNNING' }), c({ status: 'RUNNING' })], 'RUNNING'],
    [
      'one ran and completed, one running',
      false,
      [c({ status: 'STOPPED', startedAt: 1 }), c({ status: 'RUNNING' })],
      'RUNNING',
    ],
    ['one still being created', false, [c({ status: 'CREATED' }), c({ status: 'RUNNING' })], 'PENDING'],
    ['one failed to start', false, [c({ status: 'STOPPED', failed: true }), c({ status: 'RUNNING' })], 'PENDING'],
    ['nothing pulled yet', false, [c({ status: 'NONE' })], 'PENDING'],
  ] as const)('%s: %s', (_, stopping, containers, expected) => {
    expect(deriveTaskStatus({ stopping }, containers)).toBe(expected);
  });

  it.each([
    ['NONE', 'PENDING'],
    ['PULLED', 'PENDING'],
    ['CREATED', 'PENDING'],
    ['RUNNING', 'RUNNING'],
    ['STOPPED', 'STOPPED'],
  ] as const)('a %s container is reported as %s', (status, reported) => {
    expect(reportedContainerStatus(status)).toBe(reported);
  });
});
