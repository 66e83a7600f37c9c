import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { Service } from '../schemas/service.ts';
import type { Task } from '../schemas/task.ts';
import { isHealthy, isLive } from './service-tasks.ts';
import { targetOf, type GroupView } from './traffic-plan.ts';

/** What the load balancers last said of a registered task's targets, as kept on the task. */
export type TargetsVerdict =
  | { readonly targets: 'healthy' | 'pending' }
  | { readonly targets: 'unhealthy'; readonly unhealthyIn: string; readonly port: number; readonly reason: string };

/** A verdict that changed, to be written on the task (and, when it turned unhealthy, said). */
export interface TargetsChange {
  readonly taskId: string;
  readonly verdict: TargetsVerdict;
}

/**
 * Judges each registered, serving task by its targets' health in every
 * target group of its service: unhealthy as soon as one group says so,
 * healthy once every group says so, pending otherwise (initial, or not yet
 * seen). Only changes are returned. Pure: the traffic step reads the groups
 * and writes the verdicts.
 */
export function judgeTargets(
  service: Service,
  tasks: readonly Task[],
  groups: ReadonlyMap<string, GroupView>,
  instances: ReadonlyMap<string, ContainerInstance>,
): TargetsChange[] {
  return tasks.flatMap((task) => {
    if (task.traffic === undefined || task.traffic.drainUntil !== undefined || !isLive(task)) return [];
    const verdict = verdictOf(task, service, groups, instances);
    const same =
      verdict.targets === task.traffic.targets &&
      (verdict.targets !== 'unhealthy' || verdict.unhealthyIn === task.traffic.unhealthyIn);
    return same ? [] : [{ taskId: task.taskId, verdict }];
  });
}

function verdictOf(
  task: Task,
  service: Service,
  groups: ReadonlyMap<string, GroupView>,
  instances: ReadonlyMap<string, ContainerInstance>,
): TargetsVerdict {
  let allHealthy = true;
  for (const lb of service.loadBalancers) {
    const view = groups.get(lb.targetGroupArn);
    const target = view?.found ? targetOf(task, lb, view.group, instances) : undefined;
    if (!view?.found || target === undefined || typeof target === 'string') {
      allHealthy = false;
      continue;
    }
    const seen = view.current.find((c) => c.target.id === target.id && c.target.port === target.port);
    if (seen?.state === 'unhealthy') {
      return { targets: 'unhealthy', unhealthyIn: lb.targetGroupArn, port: target.port, reason: seen.reason ?? '' };
    }
    if (seen?.state !== 'healthy') allHealthy = false;
  }
  return { targets: allHealthy ? 'healthy' : 'pending' };
}

/** Writes a verdict on a task (no write when the task no longer has a registration to judge). */
export function markTargets(verdict: TargetsVerdict): (task: Task) => Task | undefined {
  return (task) => {
    if (task.traffic === undefined || task.traffic.drainUntil !== undefined) return undefined;
    const { unhealthyIn: _dropped, ...kept } = task.traffic;
    const traffic = {
      ...kept,
      targets: verdict.targets,
      ...(verdict.targets === 'unhealthy' && { unhealthyIn: verdict.unhealthyIn }),
    };
    return { ...task, traffic };
  };
}

/**
 * Healthy for a rolling deployment's counts: RUNNING (and HEALTHY when
 * health-checked) and, when the service's tasks sit behind load balancers
 * that Berth watches, reported healthy by all of them, as ECS counts a task
 * of a service with load balancers.
 */
export function countsHealthy(task: Task, balanced: boolean): boolean {
  return isHealthy(task) && (!balanced || task.traffic?.targets === 'healthy');
}

/** A live task that a load balancer has reported unhealthy for longer than the grace period after it started. */
export function failsTargetHealth(task: Task, graceMs: number, now: number): boolean {
  if (!isLive(task) || task.traffic?.targets !== 'unhealthy') return false;
  return now - (task.startedAt ?? task.createdAt) > graceMs;
}

/** The target group's name, from its ARN (`...:targetgroup/<name>/<id>`), as ECS names it in events. */
export function targetGroupName(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}
