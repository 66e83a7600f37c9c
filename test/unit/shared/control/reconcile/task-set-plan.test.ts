import { describe, expect, it } from 'vitest';
import { planTaskSets, TASK_SET_DELETED } from '#shared/control/reconcile/task-set-plan.ts';
import type { TaskSet } from '#shared/schemas/task-set.ts';
import type { Task } from '#shared/schemas/task.ts';
import { aTask } from '../../../../fixtures/entities.ts';
import { aService } from '../../../../fixtures/services.ts';

function aTaskSet(id: string, overrides: Partial<TaskSet> = {}): TaskSet {
  return {
    id,
    status: 'ACTIVE',
    taskDefinitionArn: `td:${id}`,
    launchType: 'EC2',
    scalePercent: 100,
    computedDesiredCount: 0,
    pendingCount: 0,
    runningCount: 0,
    stabilityStatus: 'STABILIZING',
    stabilityStatusAt: 0,
    tags: [],
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

const running = (taskId: string, startedBy: string): Task =>
  aTask({ taskId, startedBy, lastStatus: 'RUNNING', group: 'service:web' });

function plan(desiredCount: number, taskSets: TaskSet[], tasks: Task[]) {
  const service = aService({ deploymentController: 'EXTERNAL', deployments: [], desiredCount, taskSets });
  return planTaskSets({ service, tasks, instances: new Map(), now: 100, newId: () => 'x' });
}

describe('planTaskSets', () => {
  it.each([
    // desiredCount, scale %, running tasks of the set, tasks to start, tasks to stop, computedDesiredCount
    [2, 100, 0, 2, 0, 2],
    [2, 50, 0, 1, 0, 1],
    [3, 50, 0, 2, 0, 2], // ceil(1.5)
    [2, 0, 2, 0, 2, 0],
    [4, 25, 3, 0, 2, 1],
    [2, 100, 2, 0, 0, 2],
  ])(
    'desiredCount %i at %i percent with %i running: starts %i, stops %i, computes %i',
    (desired, percent, have, starts, stops, computed) => {
      const tasks = Array.from({ length: have }, (_, i) => running(`t${i}`, 'A'));
      const result = plan(desired, [aTaskSet('A', { scalePercent: percent })], tasks);
      expect(result.start).toHaveLength(starts);
      expect(result.start.every((s) => s.deploymentId === 'A' && s.taskDefinitionArn === 'td:A')).toBe(true);
      expect(result.stop).toHaveLength(stops);
      expect(result.service.taskSets[0]?.computedDesiredCount).toBe(computed);
    },
  );

  it('keeps every task set at its own share: two sets at 100% of 2 make 4 tasks', () => {
    const result = plan(2, [aTaskSet('A'), aTaskSet('B')], [running('a1', 'A'), running('a2', 'A')]);
    expect(result.start.map((s) => s.deploymentId)).toEqual(['B', 'B']);
    expect(result.stop).toEqual([]);
    expect(result.service.runningCount).toBe(2);
  });

  it('stops the tasks of a DRAINING task set and of no task set, and keeps the set until they have stopped', () => {
    const result = plan(2, [aTaskSet('A', { status: 'DRAINING' })], [running('a1', 'A'), running('z1', 'gone')]);
    expect(result.stop).toEqual([
      { taskId: 'z1', reason: TASK_SET_DELETED },
      { taskId: 'a1', reason: TASK_SET_DELETED },
    ]);
    expect(result.service.taskSets.map((t) => t.id)).toEqual(['A']);
  });

  it('forgets a DRAINING task set once none of its tasks holds resources', () => {
    const stopped = aTask({ taskId: 'a1', startedBy: 'A', lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
    const result = plan(2, [aTaskSet('A', { status: 'DRAINING' }), aTaskSet('B')], [stopped]);
    expect(result.service.taskSets.map((t) => t.id)).toEqual(['B']);
  });

  it.each([
    ['all wanted tasks running', [running('a1', 'A'), running('a2', 'A')], 'STEADY_STATE', 2, 0],
    ['one still pending', [running('a1', 'A'), aTask({ taskId: 'a2', startedBy: 'A' })], 'STABILIZING', 1, 1],
    ['one short', [running('a1', 'A')], 'STABILIZING', 1, 0],
  ] as const)('with %s the task set is %s', (_, tasks, status, runningCount, pendingCount) => {
    const result = plan(2, [aTaskSet('A', { stabilityStatusAt: 5 })], [...tasks]);
    const set = result.service.taskSets[0];
    expect(set?.stabilityStatus).toBe(status);
    expect(set?.runningCount).toBe(runningCount);
    expect(set?.pendingCount).toBe(pendingCount);
    expect(set?.stabilityStatusAt).toBe(status === 'STABILIZING' ? 5 : 100);
  });

  it('changes nothing once steady, so the reconcile writes nothing', () => {
    const first = plan(1, [aTaskSet('A')], [running('a1', 'A')]);
    const again = planTaskSets({
      service: first.service,
      tasks: [running('a1', 'A')],
      instances: new Map(),
      now: 200,
      newId: () => 'x',
    });
    expect(again.service).toEqual(first.service);
    expect(again.start).toEqual([]);
    expect(again.stop).toEqual([]);
  });
});
