import { describe, expect, it } from 'vitest';
import { newDeployment, planReplicaService } from '#shared/scheduler/service-plan.ts';
import { isFailure } from '#shared/scheduler/service-tasks.ts';
import { judgeTargets, markTargets, targetGroupName } from '#shared/scheduler/target-health.ts';
import type { GroupView } from '#shared/scheduler/traffic-plan.ts';
import type { TargetState } from '#shared/schemas/load-balancer-target.ts';
import type { Service } from '#shared/schemas/service.ts';
import type { Task } from '#shared/schemas/task.ts';
import { aTask, anInstance, aWebServiceTask } from '#test/fixtures/entities.ts';
import { aService } from '#test/fixtures/services.ts';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123abcd';
const TG2 = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/admin/4567ef01';
const NOW = 1_000_000;
const instances = new Map([['ci-1', anInstance({ id: 'ci-1', ec2InstanceId: 'i-1' })]]);
let n = 0;
const newId = () => `id${++n}`;

function balanced(extra: Partial<Service> = {}): Service {
  return aService({
    serviceName: 'web',
    loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 80 }],
    ...extra,
  });
}

/** A RUNNING web task bound to host port `port` on i-1, registered unless `traffic` says otherwise. */
function webTask(id: string, port: number, extra: Partial<Task> = {}): Task {
  const base = aWebServiceTask(id);
  return {
    ...base,
    startedAt: NOW - 60_000,
    traffic: { registeredAt: NOW - 50_000 },
    containers: base.containers.map((c) => ({ ...c, networkBindings: [{ containerPort: 80, hostPort: port }] })),
    ...extra,
  };
}

function groups(states: Record<string, TargetState>, arn = TG): Map<string, GroupView> {
  const current = Object.entries(states).map(([port, state]) => ({
    target: { id: 'i-1', port: Number(port) },
    state,
    ...(state === 'unhealthy' && { reason: 'Target.FailedHealthChecks' }),
  }));
  return new Map([[arn, { found: true, group: { targetType: 'instance', deregistrationDelaySeconds: 5 }, current }]]);
}

describe('judgeTargets', () => {
  it('calls a task healthy, unhealthy or pending by what its target group reports', () => {
    const tasks = [webTask('a', 1001), webTask('b', 1002), webTask('c', 1003)];
    const changes = judgeTargets(
      balanced(),
      tasks,
      groups({ 1001: 'healthy', 1002: 'unhealthy', 1003: 'initial' }),
      instances,
    );
    expect(changes).toEqual([
      { taskId: 'a', verdict: { targets: 'healthy' } },
      {
        taskId: 'b',
        verdict: { targets: 'unhealthy', unhealthyIn: TG, port: 1002, reason: 'Target.FailedHealthChecks' },
      },
      { taskId: 'c', verdict: { targets: 'pending' } },
    ]);
  });

  it('returns only changes, and judges neither unregistered nor draining tasks', () => {
    const tasks = [
      webTask('same', 1001, { traffic: { registeredAt: 1, targets: 'healthy' } }),
      webTask('unregistered', 1002, { traffic: undefined }),
      webTask('draining', 1003, { traffic: { registeredAt: 1, drainUntil: NOW + 1 } }),
    ];
    const view = groups({ 1001: 'healthy', 1002: 'unhealthy', 1003: 'unhealthy' });
    expect(judgeTargets(balanced(), tasks, view, instances)).toEqual([]);
  });

  it('is healthy only when every target group of the service says so', () => {
    const service = balanced({
      loadBalancers: [
        { targetGroupArn: TG, containerName: 'web', containerPort: 80 },
        { targetGroupArn: TG2, containerName: 'web', containerPort: 80 },
      ],
    });
    const view = new Map([...groups({ 1001: 'healthy' }), ...groups({}, TG2)]);
    expect(judgeTargets(service, [webTask('a', 1001)], view, instances)).toEqual([
      { taskId: 'a', verdict: { targets: 'pending' } },
    ]);
  });

  it('names the target group by its name in events', () => {
    expect(targetGroupName(TG)).toBe('web');
  });

  it('keeps the unhealthy group only while the task is unhealthy', () => {
    const sick = markTargets({ targets: 'unhealthy', unhealthyIn: TG, port: 1, reason: '' })(webTask('a', 1));
    expect(sick?.traffic).toMatchObject({ targets: 'unhealthy', unhealthyIn: TG });
    const well = markTargets({ targets: 'healthy' })(sick!);
    expect(well?.traffic).toEqual({ registeredAt: NOW - 50_000, targets: 'healthy' });
  });
});

describe('target health in the service plan', () => {
  const plan = (service: Service, tasks: Task[], targetsWatched = true) =>
    planReplicaService({ service, tasks, instances, now: NOW, newId, targetsWatched });
  const sick = (id: string, startedAt: number) =>
    webTask(id, 1001, {
      startedBy: 'd1',
      startedAt,
      traffic: { registeredAt: 1, targets: 'unhealthy', unhealthyIn: TG },
    });

  it('replaces a task its target group reports unhealthy past the grace period, naming the group', () => {
    const service = balanced({ desiredCount: 1, healthCheckGracePeriodSeconds: 30 });
    const result = plan(service, [sick('s', NOW - 31_000)]);
    expect(result.stop).toEqual([{ taskId: 's', reason: `Task failed ELB health checks in (target-group ${TG})` }]);
  });

  it('leaves an unhealthy target alone within the grace period from the task’s start', () => {
    const service = balanced({ desiredCount: 1, healthCheckGracePeriodSeconds: 30 });
    expect(plan(service, [sick('s', NOW - 29_000)]).stop).toEqual([]);
  });

  it('counts a stop for failed ELB health checks as a failure for the circuit breaker', () => {
    const stopped = webTask('s', 1, {
      lastStatus: 'STOPPED',
      stoppedReason: `Task failed ELB health checks in (target-group ${TG})`,
    });
    expect(isFailure(stopped)).toBe(true);
  });

  function rolling(): { service: Service; tasks: Task[] } {
    const old = { ...newDeployment('d1', 'td:1', 0, 0), status: 'ACTIVE' as const, rolloutState: 'COMPLETED' as const };
    const service = balanced({
      desiredCount: 1,
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deployments: [newDeployment('d2', 'td:2', 1, 0), old],
    });
    const tasks = [
      webTask('old', 1001, { startedBy: 'd1', traffic: { registeredAt: 1, targets: 'healthy' } }),
      webTask('new', 1002, { startedBy: 'd2', traffic: { registeredAt: 1, targets: 'pending' } }),
    ];
    return { service, tasks };
  }

  it('keeps the old task of a rolling deployment until the new task’s targets are healthy', () => {
    const { service, tasks } = rolling();
    expect(plan(service, tasks).stop).toEqual([]);
    const healthy = tasks.map((t) =>
      t.taskId === 'new' ? { ...t, traffic: { registeredAt: 1, targets: 'healthy' as const } } : t,
    );
    expect(plan(service, healthy).stop.map((s) => s.taskId)).toEqual(['old']);
  });

  it('does not complete a deployment whose task is running but not yet healthy in its target group', () => {
    const service = balanced({ desiredCount: 1, deployments: [newDeployment('d2', 'td:2', 1, 0)] });
    const pending = webTask('new', 1002, { startedBy: 'd2', traffic: { registeredAt: 1, targets: 'pending' } });
    expect(plan(service, [pending]).service.deployments[0]?.rolloutState).toBe('IN_PROGRESS');
    const healthy = { ...pending, traffic: { registeredAt: 1, targets: 'healthy' as const } };
    expect(plan(service, [healthy]).service.deployments[0]?.rolloutState).toBe('COMPLETED');
  });

  it('counts tasks by their containers alone when Berth has no load balancer endpoint to watch', () => {
    const { service, tasks } = rolling();
    expect(plan(service, tasks, false).stop.map((s) => s.taskId)).toEqual(['old']);
  });
});
