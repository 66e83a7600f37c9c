import { describe, expect, it } from 'vitest';
import { applyEvent } from '#shared/agent/apply-event.ts';
import { nextActions } from '#shared/agent/next-action.ts';
import { restartRule, shouldRestart } from '#shared/agent/restart-policy.ts';
import type { Observed } from '#shared/agent/observe.ts';
import { aContainer, aTask } from './fixtures.ts';

const RULE = { ignoredExitCodes: [0], attemptPeriodSeconds: 60 };
const exited = (exitCode: number): Observed => ({ runtimeId: 'r1', status: 'STOPPED', exitCode, networkBindings: [] });

describe('restartRule', () => {
  it.each([
    [undefined, undefined],
    [{ enabled: false, restartAttemptPeriod: 60 }, undefined],
    [{ enabled: true }, { ignoredExitCodes: [], attemptPeriodSeconds: 300 }],
    [
      { enabled: true, ignoredExitCodes: [0, 2], restartAttemptPeriod: 90 },
      { ignoredExitCodes: [0, 2], attemptPeriodSeconds: 90 },
    ],
  ])('from %j is %j', (restartPolicy, rule) => {
    expect(restartRule({ name: 'app', image: 'busybox', ...(restartPolicy ? { restartPolicy } : {}) })).toEqual(rule);
  });
});

describe('shouldRestart', () => {
  it.each<[string, Parameters<typeof shouldRestart>[0], number | undefined, boolean, number, boolean]>([
    ['no policy', { startedAt: 0 }, 1, true, 120_000, false],
    ['an exit after the attempt period', { restartRule: RULE, startedAt: 0 }, 1, true, 60_000, true],
    ['an exit before the attempt period', { restartRule: RULE, startedAt: 0 }, 1, true, 59_999, false],
    ['an ignored exit code', { restartRule: RULE, startedAt: 0 }, 0, true, 120_000, false],
    ['a task being stopped', { restartRule: RULE, startedAt: 0 }, 1, false, 120_000, false],
    ['an unknown exit code', { restartRule: RULE, startedAt: 0 }, undefined, true, 120_000, false],
    [
      'an exit soon after the last restart',
      { restartRule: RULE, startedAt: 0, lastRestartAt: 100_000 },
      1,
      true,
      120_000,
      false,
    ],
    [
      'an exit a period after the last restart',
      { restartRule: RULE, startedAt: 0, lastRestartAt: 100_000 },
      1,
      true,
      160_000,
      true,
    ],
  ])('%s', (_, container, exitCode, meantToRun, now, expected) => {
    expect(shouldRestart(container, exitCode, meantToRun, now)).toBe(expected);
  });
});

describe('a restart in the task reducer', () => {
  const running = aContainer({ status: 'RUNNING', runtimeId: 'r1', startedAt: 0, restartRule: RULE });

  it('keeps an essential container RUNNING with a restart pending, and nextActions restarts it', () => {
    const task = applyEvent(
      aTask([running], { status: 'RUNNING' }),
      { type: 'observed', container: 'app', observed: exited(3) },
      70_000,
    );
    expect(task.status).toBe('RUNNING');
    expect(task.containers[0]).toMatchObject({ status: 'RUNNING', restartPending: true, exitCode: 3 });
    expect(nextActions(task, task.containers)).toContainEqual({ kind: 'restart', container: 'app' });

    const restarted = applyEvent(task, { type: 'restarted', container: 'app' }, 70_100);
    expect(restarted.containers[0]).toMatchObject({
      status: 'RUNNING',
      restartPending: false,
      restartCount: 1,
      lastRestartAt: 70_100,
    });
    expect(restarted.containers[0]?.exitCode).toBeUndefined();
    expect(nextActions(restarted, restarted.containers)).not.toContainEqual({ kind: 'restart', container: 'app' });

    // Failing again within the period: an ordinary exit, and the essential container stops the task.
    const again = applyEvent(restarted, { type: 'observed', container: 'app', observed: exited(3) }, 80_000);
    expect(again.containers[0]).toMatchObject({ status: 'STOPPED', restartPending: false, exitCode: 3 });
    expect(nextActions(again, again.containers)[0]).toMatchObject({
      kind: 'stop-task',
      stopCode: 'EssentialContainerExited',
    });
  });

  it('stops rather than restarts a container whose task is stopping', () => {
    const task = applyEvent(
      aTask([running], { status: 'RUNNING', stopping: true }),
      { type: 'observed', container: 'app', observed: exited(3) },
      70_000,
    );
    expect(task.containers[0]).toMatchObject({ status: 'STOPPED', restartPending: false });
  });

  it('does not restart a pending container once the task is told to stop: it is stopped instead', () => {
    const pending = aTask([{ ...running, restartPending: true }], {
      status: 'RUNNING',
      desiredStatus: 'STOPPED',
      stopping: true,
    });
    const actions = nextActions(pending, pending.containers);
    expect(actions).not.toContainEqual({ kind: 'restart', container: 'app' });
    expect(actions).toContainEqual(expect.objectContaining({ kind: 'stop', container: 'app' }));
  });
});
