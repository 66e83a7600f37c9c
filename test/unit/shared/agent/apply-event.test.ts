import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent } from '#shared/agent/apply-event.ts';
import { containerRank, type AgentTask } from '#shared/agent/task-model.ts';
import type { TaskEvent } from '#shared/agent/task-events.ts';
import type { Observed } from '#shared/agent/observe.ts';
import { statusRank } from '#shared/domain/task-status.ts';
import { aContainer, aTask } from './fixtures.ts';

const observed = (status: Observed['status'], extra: Partial<Observed> = {}): Observed => ({
  runtimeId: 'r1',
  ...(status ? { status } : {}),
  networkBindings: [],
  ...extra,
});

function fold(task: AgentTask, events: TaskEvent[], start = 1_000): AgentTask {
  return events.reduce((t, e, i) => applyEvent(t, e, start + i), task);
}

describe('applyEvent', () => {
  it('walks a container from nothing to running and stamps the task', () => {
    const task = fold(aTask(), [
      { type: 'step-began', container: 'app', step: 'pull' },
      { type: 'pulled', container: 'app', imageDigest: 'sha256:abc' },
      { type: 'step-began', container: 'app', step: 'create' },
      { type: 'created', container: 'app', runtimeId: 'r1', hostPorts: [] },
      { type: 'step-began', container: 'app', step: 'start' },
      { type: 'started', container: 'app', observed: observed('RUNNING', { startedAt: 1_005 }) },
    ]);
    expect(task).toMatchObject({ status: 'RUNNING', pullStartedAt: 1_000, pullStoppedAt: 1_001, startedAt: 1_005 });
    expect(task.containers[0]).toMatchObject({ status: 'RUNNING', runtimeId: 'r1', imageDigest: 'sha256:abc' });
    expect(task.containers[0]?.pending).toBeUndefined();
  });

  it('keeps the exit code and finish time the engine reports', () => {
    const task = fold(aTask([aContainer({ status: 'RUNNING', runtimeId: 'r1' })], { status: 'RUNNING' }), [
      { type: 'observed', container: 'app', observed: observed('STOPPED', { exitCode: 3, finishedAt: 9_000 }) },
    ]);
    expect(task).toMatchObject({ status: 'STOPPED', executionStoppedAt: 9_000 });
    expect(task.containers[0]).toMatchObject({ status: 'STOPPED', exitCode: 3, finishedAt: 9_000 });
  });

  it.each<[string, TaskEvent, string]>([
    [
      'pull',
      { type: 'step-failed', container: 'app', step: 'pull', message: 'no such host' },
      'CannotPullContainerError: no such host',
    ],
    [
      'create',
      { type: 'step-failed', container: 'app', step: 'create', message: 'bad' },
      'CannotCreateContainerError: bad',
    ],
    [
      'start',
      { type: 'step-failed', container: 'app', step: 'start', message: 'port taken' },
      'CannotStartContainerError: port taken',
    ],
  ])('a failed %s stops the container with the ECS reason', (_, event, reason) => {
    const task = fold(aTask(), [event]);
    expect(task.containers[0]).toMatchObject({ status: 'STOPPED', failed: true, reason });
  });

  it('ignores a late start after the container was seen stopped', () => {
    const task = fold(aTask([aContainer({ status: 'STOPPED', exitCode: 1 })], { status: 'STOPPED' }), [
      { type: 'observed', container: 'app', observed: observed('RUNNING') },
    ]);
    expect(task.containers[0]?.status).toBe('STOPPED');
    expect(task.status).toBe('STOPPED');
  });

  it('keeps the first stop reason', () => {
    const task = fold(aTask(), [
      { type: 'stop-decided', stopCode: 'EssentialContainerExited', reason: 'first' },
      { type: 'stop-decided', stopCode: 'UserInitiated', reason: 'second' },
    ]);
    expect(task).toMatchObject({ stopping: true, stopCode: 'EssentialContainerExited', stoppedReason: 'first' });
  });

  it('never brings a task back from a desired STOPPED', () => {
    const task = fold(aTask(), [
      { type: 'desired', desiredStatus: 'STOPPED' },
      { type: 'desired', desiredStatus: 'RUNNING' },
    ]);
    expect(task.desiredStatus).toBe('STOPPED');
  });

  it('marks a created container that vanished from the engine as stopped, with a reason', () => {
    const task = fold(aTask([aContainer({ status: 'RUNNING', runtimeId: 'r1' })], { status: 'RUNNING' }), [
      { type: 'vanished', container: 'app' },
    ]);
    expect(task.containers[0]).toMatchObject({ status: 'STOPPED', reason: expect.stringContaining('removed') });
  });

  it('counts reports in seq', () => {
    const task = fold(aTask([], { seq: 41 }), [{ type: 'report-queued', fingerprint: 'x' }]);
    expect(task).toMatchObject({ seq: 42, reportedFingerprint: 'x' });
  });

  it('never moves a task or a container backwards, whatever the order of events', () => {
    const event = fc.oneof(
      fc.constantFrom<TaskEvent>(
        { type: 'step-began', container: 'app', step: 'pull' },
        { type: 'pulled', container: 'app' },
        { type: 'created', container: 'app', runtimeId: 'r1', hostPorts: [] },
        { type: 'started', container: 'app' },
        { type: 'stop-done', container: 'app' },
        { type: 'abandoned', container: 'app' },
        { type: 'vanished', container: 'app' },
        { type: 'step-deferred', container: 'app' },
        { type: 'stop-decided' },
        { type: 'desired', desiredStatus: 'STOPPED' },
      ),
      fc
        .constantFrom<Observed['status']>('CREATED', 'RUNNING', 'STOPPED', undefined)
        .map((status): TaskEvent => ({ type: 'observed', container: 'app', observed: observed(status) })),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        let task = aTask();
        for (const [i, e] of events.entries()) {
          const next = applyEvent(task, e, i);
          expect(statusRank(next.status)).toBeGreaterThanOrEqual(statusRank(task.status));
          expect(containerRank(next.containers[0]?.status ?? 'NONE')).toBeGreaterThanOrEqual(
            containerRank(task.containers[0]?.status ?? 'NONE'),
          );
          task = next;
        }
      }),
    );
  });
});
