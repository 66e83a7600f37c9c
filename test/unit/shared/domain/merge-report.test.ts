import { describe, expect, it } from 'vitest';
import { mergeReport } from '#shared/domain/task-transitions.ts';
import type { TaskStateReport } from '#shared/schemas/agent-api.ts';
import { aTask } from '#test/fixtures/entities.ts';

function report(overrides: Partial<TaskStateReport>): TaskStateReport {
  return { instanceId: 'i1', epoch: 1, seq: 1, lastStatus: 'RUNNING', containers: [], ...overrides };
}

describe('mergeReport', () => {
  const pending = aTask({ lastStatus: 'PENDING', containerInstanceId: 'i1' });

  it('moves a task forward and records the sequence number', () => {
    const next = mergeReport(
      pending,
      report({ seq: 3, startedAt: 50, containers: [{ name: 'app', lastStatus: 'RUNNING', runtimeId: 'abc' }] }),
      100,
    );
    expect(next).toMatchObject({ lastStatus: 'RUNNING', reportSeq: 3, startedAt: 50 });
    expect(next.containers[0]).toMatchObject({ lastStatus: 'RUNNING', runtimeId: 'abc' });
  });

  it('never moves a task or a container backwards', () => {
    const stopped = mergeReport(
      pending,
      report({ lastStatus: 'STOPPED', containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 3 }] }),
      100,
    );
    const replayed = mergeReport(
      stopped,
      report({ seq: 2, lastStatus: 'RUNNING', containers: [{ name: 'app', lastStatus: 'RUNNING' }] }),
      200,
    );
    expect(replayed.lastStatus).toBe('STOPPED');
    expect(replayed.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 3 });
    expect(replayed.stoppedAt).toBe(100);
  });

  it('records an essential exit, but keeps the reason of a user stop', () => {
    const exited = mergeReport(pending, report({ lastStatus: 'STOPPED' }), 100);
    expect(exited).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: 100,
    });
    const userStopped = mergeReport(
      { ...pending, stopCode: 'UserInitiated', stoppedReason: 'bye' },
      report({ lastStatus: 'STOPPED' }),
      100,
    );
    expect(userStopped).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'bye' });
  });

  it('sets desiredStatus STOPPED on a task that stopped on its own, as ECS does', () => {
    const exited = mergeReport(pending, report({ lastStatus: 'STOPPED' }), 100);
    expect(exited.desiredStatus).toBe('STOPPED');
    const stillRunning = mergeReport(pending, report({ lastStatus: 'RUNNING' }), 100);
    expect(stillRunning.desiredStatus).toBe('RUNNING');
  });

  it('keeps the first timestamps it was told', () => {
    const once = mergeReport(pending, report({ startedAt: 10 }), 100);
    const twice = mergeReport(once, report({ seq: 2, startedAt: 99 }), 100);
    expect(twice.startedAt).toBe(10);
  });
});
