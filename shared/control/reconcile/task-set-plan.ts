import type { Service } from '#shared/schemas/service.ts';
import { computedDesiredCount, type TaskSet } from '#shared/schemas/task-set.ts';
import type { Task } from '#shared/schemas/task.ts';
import type { PlanInput, ServicePlan, TaskStart, TaskStop } from '#shared/scheduler/service-plan.ts';
import { HEALTH_CHECK_FAILURE, isLive, isOccupying, isPending, stopOrder } from '#shared/scheduler/service-tasks.ts';

/** Why a task of a deleted task set, or of none, is stopped. */
export const TASK_SET_DELETED = 'Task set deleted';

/**
 * One reconcile step of a service with the EXTERNAL deployment controller,
 * as a pure function. Each task set keeps ceil(desiredCount × scale%) tasks
 * of its own task definition (tagged with its id as startedBy); a DRAINING
 * task set keeps none and disappears once its last task has stopped. There
 * are no rolling limits: the user's tooling decides the pace by scaling task
 * sets. Tasks that belong to no task set are stopped.
 */
export function planTaskSets(input: PlanInput): ServicePlan {
  const { service, now } = input;
  const start: TaskStart[] = [];
  // First reason wins: a task is stopped once, for the first rule that applies.
  const stops = new Map<string, TaskStop>();
  const markStop = (task: Task, reason: string) => {
    if (!stops.has(task.taskId)) stops.set(task.taskId, { taskId: task.taskId, reason });
  };

  for (const task of unhealthyPastGrace(service, input.tasks, now)) {
    markStop(task, `${HEALTH_CHECK_FAILURE} (container health status UNHEALTHY)`);
  }
  const ids = new Set(service.taskSets.map((s) => s.id));
  for (const task of input.tasks.filter(isLive)) {
    if (task.startedBy === undefined || !ids.has(task.startedBy)) markStop(task, TASK_SET_DELETED);
  }

  const taskSets: TaskSet[] = [];
  for (const set of service.taskSets) {
    const want = set.status === 'DRAINING' ? 0 : computedDesiredCount(service.desiredCount, set.scalePercent);
    const own = input.tasks.filter((t) => t.startedBy === set.id);
    const live = own.filter((t) => isLive(t) && !stops.has(t.taskId));
    if (live.length < want) {
      for (let i = live.length; i < want; i++)
        start.push({ deploymentId: set.id, taskDefinitionArn: set.taskDefinitionArn });
    } else {
      const reason =
        set.status === 'DRAINING' ? TASK_SET_DELETED : `Scaling activity initiated by (deployment ${set.id})`;
      for (const task of stopOrder(live, input.instances).slice(0, live.length - want)) markStop(task, reason);
    }
    const kept = live.filter((t) => !stops.has(t.taskId));
    // A deleted task set is gone once nothing of it holds resources any more.
    if (set.status === 'DRAINING' && !own.some(isOccupying)) continue;
    taskSets.push(withCounts(set, want, kept, own, now));
  }
  const next: Service = {
    ...service,
    taskSets,
    runningCount: taskSets.reduce((sum, s) => sum + s.runningCount, 0),
    pendingCount: taskSets.reduce((sum, s) => sum + s.pendingCount, 0),
  };
  return { service: next, start, stop: [...stops.values()] };
}

/** Live tasks reporting UNHEALTHY after the service's health check grace period. */
function unhealthyPastGrace(service: Service, tasks: readonly Task[], now: number): Task[] {
  const grace = service.healthCheckGracePeriodSeconds * 1000;
  return tasks.filter((t) => isLive(t) && t.healthStatus === 'UNHEALTHY' && now - (t.startedAt ?? t.createdAt) > grace);
}

function withCounts(set: TaskSet, want: number, kept: readonly Task[], own: readonly Task[], now: number): TaskSet {
  const runningCount = kept.filter((t) => t.lastStatus === 'RUNNING').length;
  const pendingCount = kept.filter(isPending).length;
  // Steady once exactly the wanted tasks run and nothing of the set is still starting or stopping.
  const settled = runningCount === want && pendingCount === 0 && !own.some((t) => isOccupying(t) && !kept.includes(t));
  const stabilityStatus = settled ? 'STEADY_STATE' : 'STABILIZING';
  return {
    ...set,
    computedDesiredCount: want,
    runningCount,
    pendingCount,
    stabilityStatus,
    stabilityStatusAt: stabilityStatus === set.stabilityStatus ? set.stabilityStatusAt : now,
  };
}
