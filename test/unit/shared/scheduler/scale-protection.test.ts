import { describe, expect, it } from 'vitest';
import { newDeployment, planReplicaService } from '#shared/scheduler/service-plan.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { Service } from '#shared/schemas/service.ts';
import type { Task } from '#shared/schemas/task.ts';
import { aTask, anInstance } from '#test/fixtures/entities.ts';
import { aService } from '#test/fixtures/services.ts';

let n = 0;
const newId = () => `e${++n}`;
const NOW = 10_000_000;
const LATER = NOW + 60_000;
const EARLIER = NOW - 1;

function running(id: string, deployment: string, protectedUntil?: number, instance = 'i1'): Task {
  return aTask({
    taskId: id,
    startedBy: deployment,
    group: 'service:web',
    lastStatus: 'RUNNING',
    containerInstanceId: instance,
    startedAt: 1,
    ...(protectedUntil !== undefined && { protectedUntil }),
  });
}

function steady(desired: number): Service {
  return aService({ desiredCount: desired, deployments: [newDeployment('d1', 'td:1', desired, 0)] });
}

function deploying(desired: number): Service {
  const old = { ...newDeployment('d1', 'td:1', 0, 0), status: 'ACTIVE' as const, rolloutState: 'COMPLETED' as const };
  return aService({
    desiredCount: desired,
    taskDefinitionArn: 'td:2',
    deployments: [newDeployment('d2', 'td:2', desired, 0), old],
  });
}

function plan(service: Service, tasks: Task[], instances = new Map<string, ContainerInstance>()) {
  return planReplicaService({ service, tasks, instances, now: NOW, newId });
}

const stopped = (result: ReturnType<typeof plan>) => result.stop.map((s) => s.taskId).sort();
const said = (result: ReturnType<typeof plan>, text: string) =>
  result.service.events.some((e) => e.message.includes(text));

describe('task scale-in protection in the service scheduler', () => {
  it.each([
    ['none protected: the surplus goes', [undefined, undefined, undefined], 1, ['t0', 't1'], false],
    ['two protected: only the unprotected one goes', [LATER, LATER, undefined], 1, ['t2'], true],
    ['all protected: none goes', [LATER, LATER, LATER], 1, [], true],
    ['expired protection does not hold', [EARLIER, LATER, undefined], 1, ['t0', 't2'], false],
    ['protection within the count changes nothing', [LATER, undefined, undefined], 2, ['t1'], false],
  ])('scale-in, %s', (_, protections, desired, expected, event) => {
    const tasks = protections.map((until, i) => running(`t${i}`, 'd1', until));
    const result = plan(steady(desired), tasks);
    expect(stopped(result)).toEqual(expected);
    expect(said(result, 'was unable to scale in due to')).toBe(event);
  });

  it('says how many surplus tasks protection holds, once within the repeat window', () => {
    const tasks = [running('a', 'd1', LATER), running('b', 'd1', LATER), running('c', 'd1', LATER)];
    const first = plan(steady(1), tasks);
    expect(first.service.events[0]?.message).toBe(
      '(service web) was unable to scale in due to (reason: 2 tasks under protection).',
    );
    const again = plan(first.service, tasks);
    expect(again.service.events).toHaveLength(first.service.events.length);
  });

  it('a deployment leaves protected old tasks running and stays in progress', () => {
    const tasks = [running('o1', 'd1', LATER), running('o2', 'd1'), running('n1', 'd2'), running('n2', 'd2')];
    const result = plan(deploying(2), tasks);
    expect(stopped(result)).toEqual(['o2']);
    expect(said(result, 'is waiting for 1 tasks under protection')).toBe(true);
    expect(result.service.deployments[0]?.rolloutState).toBe('IN_PROGRESS');
    expect(result.service.deployments).toHaveLength(2);
  });

  it('a deployment replaces an old task once its protection lapses', () => {
    const tasks = [running('o1', 'd1', EARLIER), running('n1', 'd2'), running('n2', 'd2')];
    expect(stopped(plan(deploying(2), tasks))).toEqual(['o1']);
  });

  it('a protected task on a DRAINING instance is still replaced', () => {
    const instances = new Map([['drain', anInstance({ id: 'drain', status: 'DRAINING' })]]);
    const tasks = [running('p', 'd1', LATER, 'drain'), running('q', 'd1'), running('r', 'd1')];
    const result = plan({ ...steady(2) }, tasks, instances);
    expect(stopped(result)).toEqual(['p']);
  });
});
