import { describe, expect, it } from 'vitest';
import { ORPHAN_ASSIGNMENT_GRACE_MS, planReconcile } from '#shared/scheduler/reconcile.ts';

/** Long after every fixture's assignment was made. */
const later = 10 * ORPHAN_ASSIGNMENT_GRACE_MS;
import { aTask, anAssignment, anInstance } from '#test/fixtures/entities.ts';

describe('planReconcile', () => {
  it('places an unplaced task and repairs nothing when all agrees', () => {
    const plan = planReconcile([anInstance()], [aTask()], later);
    expect(plan.repairs).toEqual([]);
    expect(plan.toPlace.map((t) => t.taskId)).toEqual(['t1']);
  });

  it.each([
    [
      'binds a task whose assignment was written but not the task (crash between the two writes)',
      [anInstance({ assignments: { t1: anAssignment('t1') } })],
      [aTask()],
      [{ kind: 'bind', taskId: 't1', instanceId: 'i1' }],
    ],
    [
      'releases the assignment of a stopped task',
      [anInstance({ assignments: { t1: anAssignment('t1') } })],
      [aTask({ lastStatus: 'STOPPED', containerInstanceId: 'i1' })],
      [{ kind: 'release', taskId: 't1', instanceId: 'i1' }],
    ],
    [
      'releases the assignment of a task that no longer exists',
      [anInstance({ assignments: { gone: anAssignment('gone') } })],
      [],
      [{ kind: 'release', taskId: 'gone', instanceId: 'i1' }],
    ],
    [
      'passes a wanted stop on to the instance',
      [anInstance({ assignments: { t1: anAssignment('t1') } })],
      [aTask({ lastStatus: 'RUNNING', containerInstanceId: 'i1', desiredStatus: 'STOPPED' })],
      [{ kind: 'propagateStop', taskId: 't1', instanceId: 'i1' }],
    ],
    [
      'records the stop itself for a task wanted stopped on an instance whose agent is disconnected',
      [anInstance({ agentConnected: false, assignments: { t1: { ...anAssignment('t1'), desiredStatus: 'STOPPED' } } })],
      [aTask({ lastStatus: 'PENDING', containerInstanceId: 'i1', desiredStatus: 'STOPPED' })],
      [{ kind: 'stopDisconnected', taskId: 't1', instanceId: 'i1' }],
    ],
    [
      'waits for the agent to report a wanted stop while it is connected',
      [anInstance({ assignments: { t1: { ...anAssignment('t1'), desiredStatus: 'STOPPED' } } })],
      [aTask({ lastStatus: 'PENDING', containerInstanceId: 'i1', desiredStatus: 'STOPPED' })],
      [],
    ],
    [
      'stops a never-placed task that is no longer wanted',
      [anInstance()],
      [aTask({ desiredStatus: 'STOPPED' })],
      [{ kind: 'stopUnplaced', taskId: 't1' }],
    ],
    [
      'declares lost a task whose instance was deregistered',
      [anInstance({ status: 'INACTIVE', assignments: { t1: anAssignment('t1') } })],
      [aTask({ lastStatus: 'RUNNING', containerInstanceId: 'i1' })],
      [{ kind: 'lost', taskId: 't1', reason: 'Container instance deregistered' }],
    ],
    [
      'releases a duplicate assignment on an instance the task is not bound to',
      [
        anInstance({ assignments: { t1: anAssignment('t1') } }),
        anInstance({ id: 'i2', assignments: { t1: anAssignment('t1') } }),
      ],
      [aTask({ lastStatus: 'RUNNING', containerInstanceId: 'i2' })],
      [{ kind: 'release', taskId: 't1', instanceId: 'i1' }],
    ],
  ] as const)('%s', (_name, instances, tasks, repairs) => {
    const plan = planReconcile(instances, tasks, later);
    expect(plan.repairs).toEqual(repairs);
    expect(plan.toPlace).toEqual([]);
  });

  it('leaves a fresh assignment without its task alone: RunTask writes the task right after', () => {
    const assignment = { ...anAssignment('new'), assignedAt: 1_000 };
    const instances = [anInstance({ assignments: { new: assignment } })];
    expect(planReconcile(instances, [], 1_000 + ORPHAN_ASSIGNMENT_GRACE_MS - 1).repairs).toEqual([]);
    expect(planReconcile(instances, [], 1_000 + ORPHAN_ASSIGNMENT_GRACE_MS).repairs).toEqual([
      { kind: 'release', taskId: 'new', instanceId: 'i1' },
    ]);
  });

  it('places oldest first', () => {
    const plan = planReconcile(
      [anInstance()],
      [
        aTask({ taskId: 'b', createdAt: 2 }),
        aTask({ taskId: 'a', createdAt: 3 }),
        aTask({ taskId: 'c', createdAt: 1 }),
      ],
      later,
    );
    expect(plan.toPlace.map((t) => t.taskId)).toEqual(['c', 'b', 'a']);
  });
});
