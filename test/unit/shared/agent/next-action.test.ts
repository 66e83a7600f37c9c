import { describe, expect, it } from 'vitest';
import { nextActions, type AgentAction } from '#shared/agent/next-action.ts';
import { ESSENTIAL_EXIT_REASON } from '#shared/schemas/stop-codes.ts';
import { buildReport, reportFingerprint } from '#shared/agent/report.ts';
import type { AgentTask } from '#shared/agent/task-model.ts';
import { aContainer, aTask } from './fixtures.ts';

const kinds = (actions: AgentAction[]) => actions.map((a) => ('container' in a ? `${a.kind}:${a.container}` : a.kind));

/** A task whose current state has already been reported, so only the steps show. */
function reported(task: AgentTask): AgentTask {
  return { ...task, reportedFingerprint: reportFingerprint(buildReport(task, task.containers)) };
}

describe('nextActions', () => {
  const c = aContainer;
  it.each<[string, AgentTask, string[]]>([
    ['a task without spec fetches it', aTask([], { spec: undefined, status: 'PROVISIONING' }), ['fetch-spec']],
    ['a new container is pulled', aTask([c({ name: 'a' }), c({ name: 'b' })]), ['pull:a', 'pull:b']],
    ['a pulled container is created', aTask([c({ status: 'PULLED' })]), ['create:app']],
    ['a created container is started', aTask([c({ status: 'CREATED', runtimeId: 'r1' })]), ['start:app']],
    ['a step in flight is not repeated', aTask([c({ status: 'PULLED', pending: 'create' })]), []],
    [
      'a container waits for its START dependency',
      aTask([
        c({ name: 'db', status: 'CREATED' }),
        c({ name: 'web', status: 'CREATED', dependsOn: [{ containerName: 'db', condition: 'START' }] }),
      ]),
      ['start:db'],
    ],
    [
      'it starts once the dependency runs',
      aTask([
        c({ name: 'db', status: 'RUNNING' }),
        c({ name: 'web', status: 'CREATED', dependsOn: [{ containerName: 'db', condition: 'START' }] }),
      ]),
      ['start:web'],
    ],
    ['a running task has nothing to do', reported(aTask([c({ status: 'RUNNING' })], { status: 'RUNNING' })), []],
    [
      'a desired stop is decided first',
      aTask([c({ status: 'RUNNING' })], { status: 'RUNNING', desiredStatus: 'STOPPED' }),
      ['stop-task'],
    ],
    [
      'a stopping task stops running containers and abandons the rest',
      reported(
        aTask([c({ name: 'a', status: 'RUNNING' }), c({ name: 'b', status: 'PULLED' })], {
          stopping: true,
          status: 'STOPPING',
        }),
      ),
      ['stop:a', 'abandon:b'],
    ],
    [
      'dependents stop before what they depend on',
      reported(
        aTask(
          [
            c({ name: 'db', status: 'RUNNING' }),
            c({ name: 'web', status: 'RUNNING', dependsOn: [{ containerName: 'db', condition: 'START' }] }),
          ],
          {
            stopping: true,
            status: 'STOPPING',
          },
        ),
      ),
      ['stop:web'],
    ],
    [
      'a dependency cycle stops everything at once',
      reported(
        aTask(
          [
            c({ name: 'a', status: 'RUNNING', dependsOn: [{ containerName: 'b', condition: 'START' }] }),
            c({ name: 'b', status: 'RUNNING', dependsOn: [{ containerName: 'a', condition: 'START' }] }),
          ],
          { stopping: true, status: 'STOPPING' },
        ),
      ),
      ['stop:a', 'stop:b'],
    ],
    [
      'a removed task is done',
      aTask([c({ status: 'STOPPED' })], { status: 'STOPPED', stopping: true, removedAt: 5 }),
      [],
    ],
    ['a changed running task is reported', aTask([c({ status: 'RUNNING' })], { status: 'RUNNING' }), ['report']],
    ['a pending task is not reported', aTask([c({ status: 'PULLED', pending: 'create' })], { status: 'PENDING' }), []],
  ])('%s', (_, task, expected) => {
    expect(kinds(nextActions(task, task.containers))).toEqual(expected);
  });

  it.each<[string, AgentTask, Partial<AgentAction>]>([
    [
      'an essential container exits',
      aTask([c({ name: 'a', status: 'STOPPED', exitCode: 3, startedAt: 1 }), c({ name: 'b', status: 'RUNNING' })], {
        status: 'RUNNING',
      }),
      { kind: 'stop-task', stopCode: 'EssentialContainerExited', reason: ESSENTIAL_EXIT_REASON },
    ],
    [
      'a container fails to pull',
      aTask([c({ status: 'STOPPED', failed: true, reason: 'CannotPullContainerError: nope' })]),
      { kind: 'stop-task', stopCode: 'TaskFailedToStart', reason: 'CannotPullContainerError: nope' },
    ],
    [
      'a SUCCESS dependency exits non-zero',
      aTask([
        c({ name: 'init', essential: false, status: 'STOPPED', exitCode: 2, startedAt: 1 }),
        c({ name: 'app', status: 'CREATED', dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] }),
      ]),
      { kind: 'stop-task', stopCode: 'TaskFailedToStart' },
    ],
  ])('stops the task when %s', (_, task, decision) => {
    const actions = nextActions(task, task.containers);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject(decision);
  });

  it('lets a non-essential container exit without stopping the task', () => {
    const task = reported(
      aTask(
        [c({ name: 'side', essential: false, status: 'STOPPED', exitCode: 1, startedAt: 1 }), c({ status: 'RUNNING' })],
        { status: 'RUNNING' },
      ),
    );
    expect(nextActions(task, task.containers)).toEqual([]);
  });

  it('stops with the container stopTimeout', () => {
    const task = reported(
      aTask([c({ status: 'RUNNING', stopTimeoutSeconds: 7 })], { stopping: true, status: 'STOPPING' }),
    );
    expect(nextActions(task, task.containers)).toEqual([{ kind: 'stop', container: 'app', timeoutSeconds: 7 }]);
  });
});
