import { describe, expect, it } from 'vitest';
import { planReplicaService, newDeployment } from '#shared/scheduler/service-plan.ts';
import type { Task } from '#shared/schemas/task.ts';
import type { Service } from '#shared/schemas/service.ts';
import { aTask } from '#test/fixtures/entities.ts';
import { aService } from '#test/fixtures/services.ts';

let n = 0;
const newId = () => `id${++n}`;
const NOW = 1_000_000;

function running(id: string, deployment: string, extra: Partial<Task> = {}): Task {
  return aTask({
    taskId: id,
    startedBy: deployment,
    group: 'service:web',
    lastStatus: 'RUNNING',
    containerInstanceId: 'i1',
    startedAt: 1,
    ...extra,
  });
}

function plan(service: Service, tasks: Task[]) {
  return planReplicaService({ service, tasks, instances: new Map(), now: NOW, newId });
}

/** Three tasks of a deployment whose essential container exited: enough to trip the circuit breaker. */
function failedTasks(deployment: string): Task[] {
  return [1, 2, 3].map((i) =>
    aTask({
      taskId: `f${i}`,
      startedBy: deployment,
      group: 'service:web',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedAt: NOW - 1000,
    }),
  );
}

/** A service mid-deployment: d2 (PRIMARY) replacing d1 (ACTIVE, completed earlier). */
function deploying(desired = 4): Service {
  const old = { ...newDeployment('d1', 'td:1', 0, 0), status: 'ACTIVE' as const, rolloutState: 'COMPLETED' as const };
  return aService({
    desiredCount: desired,
    taskDefinitionArn: 'td:2',
    deployments: [newDeployment('d2', 'td:2', desired, 0), old],
  });
}

describe('planReplicaService', () => {
  it('starts the desired count for a new service', () => {
    const result = plan(aService(), []);
    expect(result.start).toHaveLength(4);
    expect(result.stop).toEqual([]);
  });

  it('never starts beyond maximumPercent counting tasks not yet stopped', () => {
    const old = [1, 2, 3, 4].map((i) => running(`o${i}`, 'd1'));
    const result = plan(deploying(), old);
    // max 150% of 4 = 6: four old tasks leave room for two new ones.
    expect(result.start).toHaveLength(2);
    // min 50% of 4 = 2 healthy: two old tasks may go now.
    expect(result.stop).toHaveLength(2);
  });

  it('stops old tasks only while the healthy minimum holds', () => {
    const tasks = [
      running('o1', 'd1'),
      running('o2', 'd1'),
      running('n1', 'd2', { lastStatus: 'PENDING' }),
      running('n2', 'd2', { lastStatus: 'PENDING' }),
    ];
    const result = plan(deploying(), tasks);
    expect(result.stop).toEqual([]);
    expect(result.start).toHaveLength(2);
  });

  it('completes the deployment and reaches a steady state when only healthy new tasks remain', () => {
    const tasks = [1, 2, 3, 4].map((i) => running(`n${i}`, 'd2'));
    const result = plan(deploying(), tasks);
    expect(result.start).toEqual([]);
    expect(result.stop).toEqual([]);
    expect(result.service.deployments).toHaveLength(1);
    expect(result.service.deployments[0]).toMatchObject({ id: 'd2', rolloutState: 'COMPLETED' });
    expect(result.service.history[0]).toMatchObject({ id: 'd1', status: 'INACTIVE' });
    expect(result.service.events.map((e) => e.message)).toEqual([
      '(service web) has reached a steady state.',
      '(service web) (deployment d2) deployment completed.',
    ]);
  });

  it('counts a new task healthy only once it has been in the served DNS view for the warm-up', () => {
    const WARMUP = 5_000;
    const withView = (registeredAt: number | undefined) => [
      ...[1, 2, 3, 4].map((i) => running(`o${i}`, 'd1', { traffic: { registeredAt: 0 } })),
      ...[1, 2, 3, 4].map((i) =>
        running(`n${i}`, 'd2', registeredAt === undefined ? {} : { traffic: { registeredAt } }),
      ),
    ];
    const service = aService({ ...deploying(), minimumHealthyPercent: 100, maximumPercent: 200 });
    const planned = (tasks: Task[]) =>
      planReplicaService({ service, tasks, instances: new Map(), now: NOW, newId, dnsWarmupMs: WARMUP });
    // Not yet in the view, or in it for less than the warm-up: the old tasks stay.
    expect(planned(withView(undefined)).stop).toEqual([]);
    expect(planned(withView(NOW - WARMUP + 1)).stop).toEqual([]);
    // In it for the warm-up: proxies have found the new ones, and the old go.
    expect(
      planned(withView(NOW - WARMUP))
        .stop.map((s) => s.taskId)
        .sort(),
    ).toEqual(['o1', 'o2', 'o3', 'o4']);
    // Without a served view, RUNNING is enough.
    expect(plan(service, withView(undefined)).stop).toHaveLength(4);
  });

  it('counts a task with a health check as healthy only when HEALTHY', () => {
    const unknown = [1, 2, 3, 4].map((i) => running(`n${i}`, 'd2', { healthChecked: true, healthStatus: 'UNKNOWN' }));
    expect(plan(deploying(), unknown).service.deployments[0]?.rolloutState).toBe('IN_PROGRESS');
    const healthy = unknown.map((t) => ({ ...t, healthStatus: 'HEALTHY' as const }));
    expect(plan(deploying(), healthy).service.deployments[0]?.rolloutState).toBe('COMPLETED');
  });

  it('replaces an unhealthy task after the grace period, not before', () => {
    const sick = running('s1', 'd1', { healthChecked: true, healthStatus: 'UNHEALTHY', startedAt: NOW - 5_000 });
    const service = aService({ desiredCount: 1, healthCheckGracePeriodSeconds: 10 });
    expect(plan(service, [sick]).stop).toEqual([]);
    const later = aService({ desiredCount: 1, healthCheckGracePeriodSeconds: 2 });
    const result = plan(later, [sick]);
    expect(result.stop).toEqual([{ taskId: 's1', reason: expect.stringMatching(/health checks/) }]);
  });

  it('scales down, stopping the unhealthy and pending tasks first', () => {
    const tasks = [
      running('a', 'd1'),
      running('b', 'd1', { lastStatus: 'PENDING' }),
      running('c', 'd1', { healthStatus: 'UNHEALTHY' }),
      running('d', 'd1'),
    ];
    const result = plan(aService({ desiredCount: 2 }), tasks);
    expect(result.stop.map((s) => s.taskId).sort()).toEqual(['b', 'c']);
  });

  it('trips the circuit breaker and rolls back to the last completed deployment', () => {
    const failed = failedTasks('d2');
    const old = [1, 2, 3, 4].map((i) => running(`o${i}`, 'd1'));
    const result = plan(deploying(), [...old, ...failed]);
    const [primary, ...rest] = result.service.deployments;
    expect(primary).toMatchObject({ taskDefinitionArn: 'td:1', rollbackOf: 'd2', rolloutState: 'IN_PROGRESS' });
    // d2 has no task left to drain, so it is already history.
    const d2 = [...rest, ...result.service.history].find((d) => d.id === 'd2');
    expect(d2).toMatchObject({ rolloutState: 'FAILED', deploymentStatus: 'ROLLBACK_IN_PROGRESS' });
    expect(result.service.taskDefinitionArn).toBe('td:1');
    expect(result.service.events.some((e) => /deployment failed/.test(e.message))).toBe(true);
    expect(result.service.events.some((e) => /rolling back to deployment d1/.test(e.message))).toBe(true);
  });

  it('rolls an awsvpc service back to the network configuration of the deployment it restores', () => {
    const net = (subnet: string) => ({
      awsvpcConfiguration: { subnets: [subnet], assignPublicIp: 'DISABLED' as const },
    });
    const base = deploying();
    const [d2, d1] = base.deployments;
    const service: Service = {
      ...base,
      networkConfiguration: net('subnet-new'),
      deployments: [
        { ...d2!, networkConfiguration: net('subnet-new') },
        { ...d1!, networkConfiguration: net('subnet-old') },
      ],
    };
    const failed = failedTasks('d2');
    const result = plan(service, [...[1, 2, 3, 4].map((i) => running(`o${i}`, 'd1')), ...failed]);
    expect(result.service.deployments[0]).toMatchObject({ rollbackOf: 'd2', networkConfiguration: net('subnet-old') });
    expect(result.service.networkConfiguration).toEqual(net('subnet-old'));
  });

  it('backs off starting tasks after repeated failures and says why', () => {
    const failed = [1, 2, 3].map((i) =>
      aTask({
        taskId: `f${i}`,
        startedBy: 'd1',
        group: 'service:web',
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: 'TaskFailedToStart',
        stoppedAt: NOW - 1000,
      }),
    );
    const service = aService({ desiredCount: 1, circuitBreaker: { enable: false, rollback: false } });
    const result = plan(service, failed);
    expect(result.start).toEqual([]);
    expect(result.service.events[0]?.message).toBe('(service web) is unable to consistently start tasks successfully.');
    const later = planReplicaService({ service, tasks: failed, instances: new Map(), now: NOW + 10_000, newId });
    expect(later.start).toHaveLength(1);
  });

  it('drains tasks from a DRAINING instance after their replacements are healthy', () => {
    const instances = new Map([
      ['i1', { id: 'i1', status: 'DRAINING' } as never],
      ['i2', { id: 'i2', status: 'ACTIVE' } as never],
    ]);
    const onDraining = running('a', 'd1', { containerInstanceId: 'i1' });
    const first = planReplicaService({
      service: aService({ desiredCount: 1, minimumHealthyPercent: 100, maximumPercent: 200 }),
      tasks: [onDraining],
      instances,
      now: NOW,
      newId,
    });
    expect(first.start).toHaveLength(1);
    expect(first.stop).toEqual([]);
    const replaced = running('b', 'd1', { containerInstanceId: 'i2' });
    const second = planReplicaService({
      service: aService({ desiredCount: 1, minimumHealthyPercent: 100, maximumPercent: 200 }),
      tasks: [onDraining, replaced],
      instances,
      now: NOW,
      newId,
    });
    expect(second.stop.map((s) => s.taskId)).toEqual(['a']);
  });
});
