import { describe, expect, it } from 'vitest';
import { isForward, TASK_STATUSES } from '#shared/domain/task-status.ts';

describe('task status order', () => {
  it('runs PROVISIONING -> PENDING -> RUNNING -> STOPPED', () => {
    const order = ['PROVISIONING', 'PENDING', 'RUNNING', 'STOPPED'].map((s) => TASK_STATUSES.indexOf(s as never));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it.each([
    ['PENDING', 'RUNNING', true],
    ['RUNNING', 'RUNNING', true],
    ['RUNNING', 'PENDING', false],
    ['STOPPED', 'RUNNING', false],
    ['PROVISIONING', 'STOPPED', true],
  ] as const)('%s -> %s is forward: %s', (from, to, expected) => {
    expect(isForward(from, to)).toBe(expected);
  });
});
