import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { Service } from '../schemas/service.ts';
import type { Task } from '../schemas/task.ts';
import { minimumHealthy } from '../domain/service-rules.ts';
import { buildFleet } from './fleet.ts';
import { readConstraints } from './placement-rules.ts';
import {
  applyCircuitBreaker,
  settleDeployments,
  type PlanInput,
  type ServicePlan,
  type TaskStart,
  type TaskStop,
} from './service-plan.ts';
import { HEALTH_CHECK_FAILURE, isHealthy, isLive, isOccupying } from './service-tasks.ts';

/** ACTIVE, connected, and matching every memberOf constraint of the service. */
export function eligibleInstances(service: Service, instances: Iterable<ContainerInstance>): ContainerInstance[] {
  const { memberOf } = readConstraints(service.placementConstraints);
  const candidates = [...instances].filter((i) => i.status === 'ACTIVE' && i.agentConnected);
  const fleet = buildFleet(candidates);
  return candidates.filter((i) => {
    const candidate = fleet.byId.get(i.id);
    return candidate !== undefined && memberOf.every((e) => e.matches(candidate));
  });
}

/**
 * One reconcile step of a DAEMON service: exactly one task of the PRIMARY
 * deployment on every eligible instance, instances that join later
 * included. A new revision replaces in place, instance by instance: the old
 * task stops first (as far as minimumHealthyPercent allows) and the new one
 * starts once the old one has stopped, since both usually want the same
 * host ports.
 */
export function planDaemonService(input: PlanInput): ServicePlan {
  const { now } = input;
  const eligibleNow =
    input.service.status === 'ACTIVE' ? eligibleInstances(input.service, input.instances.values()) : [];
  // A daemon's desired count is the number of instances it should be on.
  let service: Service = { ...input.service, desiredCount: eligibleNow.length };
  service = applyCircuitBreaker(service, input.tasks, now, input.newId);
  const primary = service.deployments[0];
  if (!primary) return { service, start: [], stop: [] };
  const eligible = eligibleNow;
  const eligibleIds = new Set(eligible.map((i) => i.id));
  const start: TaskStart[] = [];
  const stop: TaskStop[] = [];
  const stopping = new Set<string>();
  const markStop = (task: Task, reason: string) => {
    if (!stopping.has(task.taskId)) stop.push({ taskId: task.taskId, reason });
    stopping.add(task.taskId);
  };

  const grace = service.healthCheckGracePeriodSeconds * 1000;
  const live = input.tasks.filter(isLive);
  for (const task of live) {
    const where = task.pinnedInstanceId ?? task.containerInstanceId;
    if (where === undefined || !eligibleIds.has(where))
      markStop(task, 'Container instance is no longer eligible for this daemon');
    else if (task.healthStatus === 'UNHEALTHY' && now - (task.startedAt ?? task.createdAt) > grace) {
      markStop(task, `${HEALTH_CHECK_FAILURE} (container health status UNHEALTHY)`);
    }
  }

  const limits = { minimumHealthyPercent: service.minimumHealthyPercent, maximumPercent: service.maximumPercent };
  let healthy = live.filter((t) => isHealthy(t) && !stopping.has(t.taskId)).length;
  const minHealthy = minimumHealthy(eligible.length, limits);
  for (const instance of eligible) {
    const here = input.tasks.filter((t) => (t.pinnedInstanceId ?? t.containerInstanceId) === instance.id);
    const current = here.filter((t) => isLive(t) && !stopping.has(t.taskId) && t.startedBy === primary.id);
    const old = here.filter((t) => isLive(t) && !stopping.has(t.taskId) && t.startedBy !== primary.id);
    for (const extra of current.slice(1)) markStop(extra, 'More than one daemon task on the instance');
    for (const task of old) {
      if (isHealthy(task) && current.every((t) => !isHealthy(t))) {
        if (healthy - 1 < minHealthy) continue;
        healthy--;
      }
      markStop(task, `Replaced by (deployment ${primary.id})`);
    }
    const blocked = here.some((t) => isOccupying(t) && t.startedBy !== primary.id);
    if (current.length === 0 && !blocked) {
      start.push({
        deploymentId: primary.id,
        taskDefinitionArn: primary.taskDefinitionArn,
        pinnedInstanceId: instance.id,
      });
    }
  }
  const settled = settleDeployments(
    service,
    input.tasks,
    live,
    stopping,
    eligible.length,
    now,
    input.newId,
    start.length + stop.length,
  );
  return { service: settled, start, stop };
}
