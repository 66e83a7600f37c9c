import { describe, expect, it } from 'vitest';
import { applyReport, bind, requestStop, stopNow, type TaskTransition } from '#shared/domain/task-transitions.ts';
import type { TaskStateReport } from '#shared/schemas/agent-api.ts';
import type { Task } from '#shared/schemas/task.ts';
import { aTask } from '#test/fixtures/entities.ts';

const NOW = 1_000;
const waiting = aTask({ lastStatus: 'PROVISIONING' });
const pending = aTask({ lastStatus: 'PENDING', containerInstanceId: 'i1' });
const running = aTask({ lastStatus: 'RUNNING', containerInstanceId: 'i1', reportSeq: 4, startedAt: 50 });
const stopped = aTask({
  lastStatus: 'STOPPED',
  desiredStatus: 'STOPPED',
  containerInstanceId: 'i1',
  stoppedAt: 90,
  stopCode: 'UserInitiated',
  stoppedReason: 'bye',
});
const userStopping = aTask({
  ...running,
  desiredStatus: 'STOPPED',
  stoppingAt: 70,
  stopCode: 'UserInitiated',
  stoppedReason: 'bye',
});

function report(overrides: Partial<TaskStateReport>): TaskStateReport {
  return { instanceId: 'i1', epoch: 1, seq: 5, lastStatus: 'RUNNING', containers: [], ...overrides };
}

/** undefined expects no change; otherwise the fields the next task must show. */
type Row = readonly [string, TaskTransition, Task, Partial<Task> | undefined];

const rows: Row[] = [
  [
    'bind: a waiting task joins the instance, PENDING',
    bind('i2'),
    waiting,
    { containerInstanceId: 'i2', lastStatus: 'PENDING' },
  ],
  ['bind: a task already on an instance stays there', bind('i2'), pending, undefined],
  ['bind: a task that moved on is not bound', bind('i2'), aTask({ lastStatus: 'STOPPED' }), undefined],
  [
    'requestStop: a placed task is asked to stop and keeps running until its agent stops it',
    requestStop({ stopCode: 'UserInitiated', reason: 'bye' }, NOW),
    running,
    {
      desiredStatus: 'STOPPED',
      lastStatus: 'RUNNING',
      stoppingAt: NOW,
      stopCode: 'UserInitiated',
      stoppedReason: 'bye',
    },
  ],
  [
    'requestStop: a never-placed task is stopped at once',
    requestStop({ stopCode: 'ServiceSchedulerInitiated', reason: 'scale in' }, NOW),
    waiting,
    {
      desiredStatus: 'STOPPED',
      lastStatus: 'STOPPED',
      stoppingAt: NOW,
      stoppedAt: NOW,
      executionStoppedAt: NOW,
      stopCode: 'ServiceSchedulerInitiated',
    },
  ],
  [
    'requestStop: the first stop wins',
    requestStop({ stopCode: 'ServiceSchedulerInitiated', reason: 'later' }, NOW),
    userStopping,
    undefined,
  ],
  [
    'stopNow: a lost task is STOPPED with the given reason',
    stopNow({ reason: 'host gone' }, NOW),
    running,
    {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppingAt: NOW,
      stoppedAt: NOW,
      executionStoppedAt: NOW,
      stoppedReason: 'host gone',
    },
  ],
  [
    'stopNow: a user stop keeps its code, reason and stopping time',
    stopNow({ stopCode: 'TaskFailedToStart', reason: 'host gone' }, NOW),
    userStopping,
    { lastStatus: 'STOPPED', stoppingAt: 70, stopCode: 'UserInitiated', stoppedReason: 'bye' },
  ],
  ['stopNow: a stopped task is left alone', stopNow({ reason: 'again' }, NOW), stopped, undefined],
  [
    'stopNow: the guard may refuse',
    stopNow({ reason: 'x' }, NOW, (t) => t.lastStatus === 'PROVISIONING'),
    running,
    undefined,
  ],
  [
    'applyReport: a newer report moves the task forward',
    applyReport(report({ seq: 1, startedAt: 60 }), NOW),
    pending,
    { lastStatus: 'RUNNING', reportSeq: 1, startedAt: 60 },
  ],
  [
    'applyReport: a report not newer than the last applied changes nothing',
    applyReport(report({ seq: 4, lastStatus: 'STOPPED' }), NOW),
    running,
    undefined,
  ],
  [
    'applyReport: STOPPED without a code is an essential exit',
    applyReport(report({ lastStatus: 'STOPPED' }), NOW),
    running,
    {
      lastStatus: 'STOPPED',
      stoppedAt: NOW,
      stoppingAt: NOW,
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    },
  ],
  [
    'applyReport: STOPPED keeps the code and reason of a stop asked for',
    applyReport(report({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' }), NOW),
    userStopping,
    { lastStatus: 'STOPPED', stoppingAt: 70, stopCode: 'UserInitiated', stoppedReason: 'bye' },
  ],
  [
    'applyReport: a late RUNNING never moves a stopped task back',
    applyReport(report({ seq: 9, lastStatus: 'RUNNING' }), NOW),
    { ...stopped, reportSeq: 3 },
    { lastStatus: 'STOPPED', stoppedAt: 90, reportSeq: 9 },
  ],
];

describe('task transitions', () => {
  it.each(rows)('%s', (_name, transition, task, expected) => {
    const next = transition(task);
    if (expected === undefined) expect(next).toBeUndefined();
    else expect(next).toMatchObject(expected);
  });

  it.each(rows)('%s, and leaves the task it was given as it was', (_name, transition, task) => {
    const before = structuredClone(task);
    transition(task);
    expect(task).toEqual(before);
  });
});
