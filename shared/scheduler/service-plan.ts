import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { Deployment, Service } from '../schemas/service.ts';
import type { Task } from '../schemas/task.ts';
import { circuitBreakerThreshold, maximumRunning, minimumHealthy } from '../domain/service-rules.ts';
import { BACKOFF_MESSAGE, launchBackoff } from './launch-backoff.ts';
import {
  ELB_HEALTH_FAILURE,
  HEALTH_CHECK_FAILURE,
  isFailure,
  isHealthy,
  isLive,
  isOccupying,
  isPending,
  stopOrder,
} from './service-tasks.ts';
import { label, withEvent } from './service-events.ts';
import { countsHealthy, failsTargetHealth } from './target-health.ts';
import { heldByProtection, scaleInChoice, unableToScaleIn, waitingForProtected } from './scale-protection.ts';

export interface TaskStart {
  readonly deploymentId: string;
  readonly taskDefinitionArn: string;
  /** Set for DAEMON tasks: the one instance the task may run on. */
  readonly pinnedInstanceId?: string;
}

export interface TaskStop {
  readonly taskId: string;
  readonly reason: string;
}

export interface ServicePlan {
  readonly service: Service;
  readonly start: TaskStart[];
  readonly stop: TaskStop[];
}

export interface PlanInput {
  readonly service: Service;
  /** Every task of the service's group, stopped ones included. */
  readonly tasks: readonly Task[];
  readonly instances: ReadonlyMap<string, ContainerInstance>;
  readonly now: number;
  readonly newId: () => string;
  /** Berth reads ELBv2 target health (it has an endpoint): load-balanced tasks then count healthy only by it. */
  readonly targetsWatched?: boolean;
  /**
   * The cluster's DNS view is served and the service's tasks go through it: a task counts healthy only
   * this long after it joined the view (`traffic.registeredAt`), so proxies have found it first.
   */
  readonly dnsWarmupMs?: number;
}

/**
 * One reconcile step of a REPLICA service, as a pure function. The rules, in
 * the order they apply:
 *
 * 1. Unhealthy tasks past the grace period are stopped: a container health
 *    check's UNHEALTHY, or a target a load balancer reports unhealthy.
 * 2. The circuit breaker fails the PRIMARY deployment after too many task
 *    failures and, with rollback, makes the last good one PRIMARY again.
 * 3. New tasks for the PRIMARY deployment start while the total of tasks not
 *    yet stopped stays within maximumPercent (and not while backing off
 *    after repeated start failures, launch-backoff.ts).
 * 4. Surplus and outgoing tasks (older deployments, draining instances) stop
 *    while the healthy count stays at or above minimumHealthyPercent.
 * 5. With nothing left to replace, the deployment completes and the service
 *    reaches a steady state.
 */
export function planReplicaService(input: PlanInput): ServicePlan {
  const { now, instances } = input;
  let service = input.service;
  const stop: TaskStop[] = [];
  const stopping = new Set<string>();
  const markStop = (task: Task, reason: string) => {
    if (stopping.has(task.taskId)) return;
    stopping.add(task.taskId);
    stop.push({ taskId: task.taskId, reason });
  };

  const grace = service.healthCheckGracePeriodSeconds * 1000;
  for (const task of input.tasks) {
    if (isLive(task) && task.healthStatus === 'UNHEALTHY' && now - (task.startedAt ?? task.createdAt) > grace) {
      markStop(task, `${HEALTH_CHECK_FAILURE} (container health status UNHEALTHY)`);
    } else if (failsTargetHealth(task, grace, now)) {
      markStop(task, `${ELB_HEALTH_FAILURE} (target-group ${task.traffic?.unhealthyIn ?? ''})`);
    }
  }
  const balanced = input.targetsWatched === true && service.loadBalancers.length > 0;

  service = applyCircuitBreaker(service, input.tasks, now, input.newId);
  const primary = service.deployments[0];
  if (!primary) return { service, start: [], stop };

  const live = input.tasks.filter((t) => isLive(t) && !stopping.has(t.taskId));
  const outgoing = (t: Task) => {
    const instance = t.containerInstanceId === undefined ? undefined : instances.get(t.containerInstanceId);
    return t.startedBy !== primary.id || instance?.status === 'DRAINING';
  };
  // A new task joining the served DNS view counts once proxies have had the warm-up to find it; a
  // task being replaced is serving already, and must not be stopped as if it were not.
  const warmup = input.dnsWarmupMs;
  const warm = (t: Task) =>
    warmup === undefined ||
    outgoing(t) ||
    (t.traffic?.registeredAt !== undefined && now - t.traffic.registeredAt >= warmup);
  const healthyNow = (t: Task) => countsHealthy(t, balanced) && warm(t);
  const primaryLive = live.filter((t) => !outgoing(t));
  const others = live.filter(outgoing);
  const desired = service.status === 'ACTIVE' ? service.desiredCount : 0;
  const limits = { minimumHealthyPercent: service.minimumHealthyPercent, maximumPercent: service.maximumPercent };
  const maxRun = maximumRunning(desired, limits);
  const minHealthy = minimumHealthy(desired, limits);

  // 3. Start, within maximumPercent counting every task not yet stopped.
  const start: TaskStart[] = [];
  const wanted = Math.max(0, desired - primaryLive.length);
  const room = Math.max(0, maxRun - input.tasks.filter(isOccupying).length);
  const halted = primary.rolloutState === 'FAILED' && primary.deploymentStatus === 'STOPPED';
  // Only the PRIMARY's own failures hold it back: a rollback starts afresh.
  const backoff = launchBackoff(
    input.tasks.filter((t) => t.startedBy === primary.id),
    now,
  );
  if (wanted > 0 && !halted && backoff.waitMs > 0) {
    service = withEvent(service, `${label(service)} ${BACKOFF_MESSAGE}`, now, input.newId());
  } else if (!halted) {
    for (let i = 0; i < Math.min(wanted, room); i++) {
      start.push({ deploymentId: primary.id, taskDefinitionArn: primary.taskDefinitionArn });
    }
  }

  // 4. Stop the primary's surplus (a scale-down), then outgoing tasks while
  //    enough healthy tasks remain without them. Protected tasks are never
  //    chosen (scale-protection.ts): the service stays above its count, or
  //    the old deployment waits, until their protection ends.
  const scaleIn = scaleInChoice(primaryLive, desired, now, instances);
  for (const task of scaleIn.stop) markStop(task, `Scaling activity initiated by (deployment ${primary.id})`);
  if (scaleIn.held > 0) service = withEvent(service, unableToScaleIn(service, scaleIn.held), now, input.newId());
  const replaceable = others.filter((t) => !heldByProtection(t, now, instances));
  if (replaceable.length < others.length) {
    const held = others.length - replaceable.length;
    service = withEvent(service, waitingForProtected(service, primary.id, held), now, input.newId());
  }
  let healthy = live.filter((t) => healthyNow(t) && !stopping.has(t.taskId)).length;
  for (const task of stopOrder(replaceable, instances)) {
    if (healthyNow(task)) {
      if (healthy - 1 < minHealthy) continue;
      healthy--;
    }
    markStop(task, `Replaced by (deployment ${primary.id})`);
  }

  service = settleDeployments(
    service,
    input.tasks,
    live,
    stopping,
    desired,
    now,
    input.newId,
    start.length + stop.length,
    healthyNow,
  );
  return { service, start, stop };
}

/** Step 2: fail the PRIMARY deployment after too many failures, and roll back if asked. */
export function applyCircuitBreaker(
  service: Service,
  tasks: readonly Task[],
  now: number,
  newId: () => string,
): Service {
  const primary = service.deployments[0];
  if (!primary || primary.rolloutState !== 'IN_PROGRESS') return service;
  const failed = tasks.filter((t) => t.startedBy === primary.id && isFailure(t)).length;
  const counted: Deployment = { ...primary, failedTasks: failed };
  const rest = service.deployments.slice(1);
  if (!service.circuitBreaker.enable || failed < circuitBreakerThreshold(service.desiredCount)) {
    return failed === primary.failedTasks ? service : { ...service, deployments: [counted, ...rest] };
  }
  const reason = `tasks failed to start: ${failed} failed, threshold ${circuitBreakerThreshold(service.desiredCount)}`;
  let next = withEvent(
    service,
    `${label(service)} (deployment ${primary.id}) deployment failed: ${reason}.`,
    now,
    newId(),
  );
  const target = service.circuitBreaker.rollback ? lastGood(service) : undefined;
  if (!target) {
    const stopped: Deployment = {
      ...counted,
      rolloutState: 'FAILED',
      rolloutStateReason: `ECS deployment circuit breaker: ${reason}.`,
      deploymentStatus: 'STOPPED',
      updatedAt: now,
      finishedAt: now,
    };
    return { ...next, deployments: [stopped, ...rest] };
  }
  const failedDeployment: Deployment = {
    ...counted,
    status: 'ACTIVE',
    rolloutState: 'FAILED',
    rolloutStateReason: `ECS deployment circuit breaker: ${reason}. Rolling back to ${target.id}.`,
    deploymentStatus: 'ROLLBACK_IN_PROGRESS',
    updatedAt: now,
  };
  const rollback: Deployment = {
    ...newDeployment(newId(), target.taskDefinitionArn, service.desiredCount, now),
    rollbackOf: primary.id,
    sourceIds: service.deployments.map((d) => d.id),
    // The rollback restores the revision it returns to, its network included.
    ...(target.networkConfiguration && { networkConfiguration: target.networkConfiguration }),
  };
  next = withEvent(
    next,
    `${label(service)} rolling back to deployment ${target.id} (${target.taskDefinitionArn}).`,
    now,
    newId(),
  );
  const { networkConfiguration: _failed, ...kept } = next;
  return {
    ...kept,
    ...(target.networkConfiguration && { networkConfiguration: target.networkConfiguration }),
    taskDefinitionArn: target.taskDefinitionArn,
    deployments: [rollback, failedDeployment, ...rest],
  };
}

/** The most recent deployment that completed, current or past. */
export function lastGood(service: Service): Deployment | undefined {
  return [...service.deployments.slice(1), ...service.history].find((d) => d.rolloutState === 'COMPLETED');
}

export function newDeployment(id: string, taskDefinitionArn: string, desiredCount: number, now: number): Deployment {
  return {
    id,
    status: 'PRIMARY',
    taskDefinitionArn,
    desiredCount,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: 'ECS deployment ' + id + ' in progress.',
    deploymentStatus: 'IN_PROGRESS',
    sourceIds: [],
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Step 5 and bookkeeping: counts per deployment, drained deployments moved to
 * history, completion and the steady-state event.
 */
export function settleDeployments(
  service: Service,
  tasks: readonly Task[],
  live: readonly Task[],
  stopping: ReadonlySet<string>,
  desired: number,
  now: number,
  newId: () => string,
  actions: number,
  healthy: (task: Task) => boolean = isHealthy,
): Service {
  const remaining = live.filter((t) => !stopping.has(t.taskId));
  const stillOccupying = (d: Deployment) => tasks.some((t) => t.startedBy === d.id && isOccupying(t));
  const counted = service.deployments.map((d, index): Deployment => {
    const mine = remaining.filter((t) => t.startedBy === d.id);
    const runningCount = mine.filter((t) => t.lastStatus === 'RUNNING').length;
    const pendingCount = mine.filter(isPending).length;
    const same =
      runningCount === d.runningCount &&
      pendingCount === d.pendingCount &&
      d.desiredCount === (index === 0 ? desired : 0);
    return same ? d : { ...d, runningCount, pendingCount, desiredCount: index === 0 ? desired : 0, updatedAt: now };
  });
  let next: Service = {
    ...service,
    runningCount: remaining.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingCount: remaining.filter(isPending).length,
    deployments: counted,
  };
  const [primary, ...older] = counted;
  if (!primary) return next;
  const drained = older.filter((d) => !stillOccupying(d));
  if (drained.length > 0) {
    const finished = drained.map((d): Deployment => ({
      ...d,
      status: 'INACTIVE',
      finishedAt: d.finishedAt ?? now,
      deploymentStatus: d.deploymentStatus === 'IN_PROGRESS' ? 'STOPPED' : d.deploymentStatus,
    }));
    next = {
      ...next,
      deployments: [primary, ...older.filter((d) => !drained.includes(d))],
      history: [...finished, ...next.history].slice(0, 20),
    };
  }
  const healthyPrimary = remaining.filter((t) => t.startedBy === primary.id && healthy(t)).length;
  const steady =
    actions === 0 && next.deployments.length === 1 && healthyPrimary === desired && primary.pendingCount === 0;
  if (steady && primary.rolloutState === 'IN_PROGRESS') {
    const done: Deployment = {
      ...primary,
      rolloutState: 'COMPLETED',
      rolloutStateReason: `ECS deployment ${primary.id} completed.`,
      deploymentStatus: 'SUCCESSFUL',
      updatedAt: now,
      finishedAt: now,
    };
    // The deployment this one rolled back has now been rolled back for good.
    const history = next.history.map((d): Deployment =>
      d.id === primary.rollbackOf && d.deploymentStatus === 'ROLLBACK_IN_PROGRESS'
        ? { ...d, deploymentStatus: 'ROLLBACK_SUCCESSFUL' }
        : d,
    );
    next = { ...next, deployments: [done], history };
    next = withEvent(next, `${label(service)} (deployment ${primary.id}) deployment completed.`, now, newId());
  }
  if (steady && !next.events[0]?.message.endsWith('has reached a steady state.')) {
    // Each deployment reaches its steady state once, however often it is disturbed within the window.
    const deployedAt = next.deployments[0]?.createdAt ?? 0;
    next = withEvent(next, `${label(service)} has reached a steady state.`, now, newId(), deployedAt);
  }
  return next;
}
