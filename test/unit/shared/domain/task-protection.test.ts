import { describe, expect, it } from 'vitest';
import { isProtected, protect } from '#shared/domain/task-protection.ts';
import { aTask } from '#test/fixtures/entities.ts';

const serviceTask = (extra = {}) => aTask({ group: 'service:web', ...extra });

describe('task protection transitions', () => {
  it.each([
    ['protects a service task', serviceTask(), 500, 500],
    ['resets the expiry of a protected one', serviceTask({ protectedUntil: 100 }), 500, 500],
    ['clears protection', serviceTask({ protectedUntil: 100 }), undefined, undefined],
  ])('%s', (_, task, until, expected) => {
    expect(protect(until)(task)?.protectedUntil).toBe(expected);
  });

  it.each([
    ['a standalone task', aTask({ group: 'family:x' })],
    ['a stopping service task', serviceTask({ desiredStatus: 'STOPPED' })],
    ['an unprotected task cleared again', serviceTask()],
    ['the same expiry again', serviceTask({ protectedUntil: 500 })],
  ])('leaves %s as it is', (_, task) => {
    const until = task.protectedUntil === undefined && task.group === 'service:web' ? undefined : 500;
    expect(protect(until)(task)).toBeUndefined();
  });

  it('protection ends at its expiry without a write', () => {
    const task = serviceTask({ protectedUntil: 1000 });
    expect([999, 1000, 1001].map((now) => isProtected(task, now))).toEqual([true, false, false]);
  });
});
