import { describe, expect, it } from 'vitest';
import { OUT_OF_MEMORY_REASON } from '#shared/agent/observe.ts';
import { isStartFailure, launchBackoff, STABLE_RUN_MS } from '#shared/scheduler/launch-backoff.ts';
import { planReplicaService } from '#shared/scheduler/service-plan.ts';
import { isFailure } from '#shared/scheduler/service-tasks.ts';
import type { Task } from '#shared/schemas/task.ts';
import { aTask } from '#test/fixtures/entities.ts';
import { aService } from '#test/fixtures/services.ts';

const NOW = 10_000_000;
let n = 0;
const newId = () => `id${++n}`;

/** A task of deployment d1 that ran from `startedAt` and stopped `ranMs` later, its container exiting with `exitCode`. */
function stopped(
  id: string,
  how: { ranMs?: number; exitCode?: number; reason?: string; stopCode?: Task['stopCode']; stoppedAt?: number },
): Task {
  const stoppedAt = how.stoppedAt ?? NOW - 1_000;
  return aTask({
    taskId: id,
    startedBy: 'd1',
    group: 'service:web',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: how.stopCode ?? 'EssentialContainerExited',
    stoppedAt,
    executionStoppedAt: stoppedAt,
    ...(how.ranMs !== undefined && { startedAt: stoppedAt - how.ranMs }),
    containers: [
      {
        containerId: `${id}-c`,
        name: 'app',
        image: 'app',
        lastStatus: 'STOPPED',
        networkBindings: [],
        essential: true,
        ...(how.exitCode !== undefined && { exitCode: how.exitCode }),
        ...(how.reason !== undefined && { reason: how.reason }),
      },
    ],
  });
}

function running(id: string, startedAt: number): Task {
  return aTask({
    taskId: id,
    startedBy: 'd1',
    group: 'service:web',
    lastStatus: 'RUNNING',
    containerInstanceId: 'i1',
    startedAt,
  });
}

describe('what counts towards launch backoff', () => {
  it.each<[string, Parameters<typeof stopped>[1], { failure: boolean; startFailure: boolean }]>([
    ['failed to start', { stopCode: 'TaskFailedToStart' }, { failure: true, startFailure: true }],
    ['exited 1 two seconds after starting', { ranMs: 2_000, exitCode: 1 }, { failure: true, startFailure: true }],
    [
      'exited 0 at once (an essential container that should not exit)',
      { ranMs: 100, exitCode: 0 },
      { failure: true, startFailure: true },
    ],
    [
      'was killed by the OOM killer soon after starting',
      { ranMs: 2_000, exitCode: 137, reason: OUT_OF_MEMORY_REASON },
      { failure: true, startFailure: true },
    ],
    ['exited 1 after running ten minutes', { ranMs: 600_000, exitCode: 1 }, { failure: true, startFailure: false }],
    [
      'was killed by docker kill (SIGKILL) two seconds after starting',
      { ranMs: 2_000, exitCode: 137 },
      { failure: false, startFailure: false },
    ],
    [
      'was stopped by docker stop (SIGTERM) after running a while',
      { ranMs: 120_000, exitCode: 143 },
      { failure: false, startFailure: false },
    ],
    [
      'was stopped by a user',
      { ranMs: 2_000, exitCode: 137, stopCode: 'UserInitiated' },
      { failure: false, startFailure: false },
    ],
  ])('a task that %s', (_what, how, expected) => {
    const task = stopped('t', how);
    expect({ failure: isFailure(task), startFailure: isStartFailure(task) }).toEqual(expected);
  });
});

describe('launchBackoff', () => {
  const crashes = (count: number, at = NOW - 1_000) =>
    Array.from({ length: count }, (_, i) => stopped(`c${i}`, { ranMs: 1_000, exitCode: 1, stoppedAt: at }));
  const kills = (count: number) =>
    Array.from({ length: count }, (_, i) => stopped(`k${i}`, { ranMs: 3_000, exitCode: 137 }));

  it.each<[string, () => Task[], { failures: number; waiting: boolean }]>([
    ['nothing stopped', () => [], { failures: 0, waiting: false }],
    ['two crashes', () => crashes(2), { failures: 2, waiting: false }],
    ['three crashes', () => crashes(3), { failures: 3, waiting: true }],
    ['sixty kills from outside', () => kills(60), { failures: 0, waiting: false }],
    ['sixty kills and two crashes', () => [...kills(60), ...crashes(2)], { failures: 2, waiting: false }],
    ['three crashes six minutes ago', () => crashes(3, NOW - 6 * 60_000), { failures: 0, waiting: false }],
    [
      'three crashes before a task ran stably',
      () => [...crashes(3, NOW - 3 * STABLE_RUN_MS), running('ok', NOW - 2 * STABLE_RUN_MS)],
      { failures: 0, waiting: false },
    ],
    [
      'three crashes while a task is only just running',
      () => [...crashes(3), running('new', NOW - 5_000)],
      { failures: 3, waiting: true },
    ],
  ])('%s', (_what, tasks, expected) => {
    const backoff = launchBackoff(tasks(), NOW);
    expect({ failures: backoff.failures, waiting: backoff.waitMs > 0 }).toEqual(expected);
  });
});

describe('planReplicaService under kills and crashes', () => {
  const service = aService({ desiredCount: 10, circuitBreaker: { enable: true, rollback: false } });
  const plan = (tasks: Task[], now = NOW) => planReplicaService({ service, tasks, instances: new Map(), now, newId });

  it('replaces every killed task at once, however many were killed, and the deployment does not fail', () => {
    const killed = Array.from({ length: 60 }, (_, i) => stopped(`k${i}`, { ranMs: 2_000 + i * 100, exitCode: 137 }));
    const result = plan(killed);
    expect(result.start).toHaveLength(10);
    expect(result.service.deployments[0]).toMatchObject({ rolloutState: 'IN_PROGRESS', failedTasks: 0 });
    expect(result.service.events.map((e) => e.message)).not.toContain(
      '(service web) is unable to consistently start tasks successfully.',
    );
  });

  it('holds back a crash loop and says so once, with the same words each time', () => {
    const crashing = Array.from({ length: 4 }, (_, i) => stopped(`c${i}`, { ranMs: 500, exitCode: 1 }));
    const quiet = aService({ desiredCount: 1, circuitBreaker: { enable: false, rollback: false } });
    const first = planReplicaService({ service: quiet, tasks: crashing, instances: new Map(), now: NOW, newId });
    expect(first.start).toEqual([]);
    const again = planReplicaService({
      service: first.service,
      tasks: crashing,
      instances: new Map(),
      now: NOW + 5_000,
      newId,
    });
    expect(again.start).toEqual([]);
    expect(again.service.events.map((e) => e.message)).toEqual([
      '(service web) is unable to consistently start tasks successfully.',
    ]);
  });

  it('says a message again only after the repeat window, even with other events in between', () => {
    const crashing = Array.from({ length: 4 }, (_, i) => stopped(`c${i}`, { ranMs: 500, exitCode: 1 }));
    const quiet = aService({ desiredCount: 1, circuitBreaker: { enable: false, rollback: false } });
    const first = planReplicaService({
      service: quiet,
      tasks: crashing,
      instances: new Map(),
      now: NOW,
      newId,
    }).service;
    const between = {
      ...first,
      events: [
        { id: 'x', createdAt: NOW + 1_000, message: '(service web) has started 1 tasks: (task a).' },
        ...first.events,
      ],
    };
    const again = planReplicaService({
      service: between,
      tasks: crashing,
      instances: new Map(),
      now: NOW + 2_000,
      newId,
    });
    expect(again.service.events.filter((e) => /unable to consistently/.test(e.message))).toHaveLength(1);
  });
});
