import { resourceId } from '../domain/arn.ts';
import { tasks } from '../domain/collections.ts';
import { InvalidParameterError } from '../domain/errors.ts';
import { isProtectable, isProtected, protect, PROTECTION_MINUTES } from '../domain/task-protection.ts';
import type { GetTaskProtectionRequest, UpdateTaskProtectionRequest } from '../schemas/task-protection-requests.ts';
import type { Task } from '../schemas/task.ts';
import { requireActiveCluster } from './clusters.ts';
import { conflictPause } from './conflict-pause.ts';
import type { ControlContext } from './context.ts';
import { updateWithRetry } from './listing.ts';
import type { Failure } from './tasks.ts';

/** A task's protection as ECS answers it; `until` only while protected. */
export interface TaskProtection {
  readonly task: Task;
  readonly enabled: boolean;
  readonly until?: number;
}

export interface ProtectionResult {
  readonly protectedTasks: TaskProtection[];
  readonly failures: Failure[];
}

/**
 * Task scale-in protection is for a service's tasks only: a standalone task,
 * or one already stopping, is ECS's TASK_NOT_VALID failure; an unknown one
 * is MISSING. Either way the other tasks of the call are answered.
 */
function validity(task: Task | undefined, ref: string): Failure | undefined {
  if (task === undefined) return { arn: ref, reason: 'MISSING' };
  if (!isProtectable(task)) {
    return { arn: ref, reason: 'TASK_NOT_VALID', detail: 'The task is not a running task of a service.' };
  }
  return undefined;
}

function present(task: Task, now: number): TaskProtection {
  return isProtected(task, now)
    ? { task, enabled: true, ...(task.protectedUntil !== undefined && { until: task.protectedUntil }) }
    : { task, enabled: false };
}

export async function getTaskProtection(
  ctx: ControlContext,
  request: GetTaskProtectionRequest,
): Promise<ProtectionResult> {
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const refs = request.tasks ?? [];
  const ids = refs.map((ref) => resourceId(ctx.deployment, ref, 'task', cluster));
  const found = await ctx.store.getMany(
    tasks,
    ids.map((id) => tasks.key(cluster, id)),
  );
  const byId = new Map(found.map((f) => [f.value.taskId, f.value]));
  const now = ctx.clock.now();
  const result: ProtectionResult = { protectedTasks: [], failures: [] };
  ids.forEach((id, i) => {
    const task = byId.get(id);
    const failure = validity(task, refs[i] as string);
    if (failure) result.failures.push(failure);
    else result.protectedTasks.push(present(task as Task, now));
  });
  return result;
}

/**
 * Sets or clears protection task by task, each through a conditional write
 * on the task item (so an agent report or a stop landing meanwhile is kept
 * and the change applied to it). Clearing protection may free a service to
 * scale in at once, so the cluster is reconciled.
 */
export async function updateTaskProtection(
  ctx: ControlContext,
  request: UpdateTaskProtectionRequest,
): Promise<ProtectionResult> {
  const minutes = request.expiresInMinutes ?? PROTECTION_MINUTES.default;
  if (minutes < PROTECTION_MINUTES.min || minutes > PROTECTION_MINUTES.max) {
    throw new InvalidParameterError(
      `expiresInMinutes must be between ${PROTECTION_MINUTES.min} and ${PROTECTION_MINUTES.max}.`,
      { expiresInMinutes: String(minutes) },
    );
  }
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const ids = request.tasks.map((ref) => resourceId(ctx.deployment, ref, 'task', cluster));
  const until = request.protectionEnabled ? ctx.clock.now() + minutes * 60_000 : undefined;
  const result: ProtectionResult = { protectedTasks: [], failures: [] };
  for (const [i, id] of ids.entries()) {
    const stored = await updateWithRetry(ctx.store, tasks, tasks.key(cluster, id), protect(until), {
      attempts: 10,
      pause: conflictPause(ctx),
    });
    // protect() leaves a task it cannot protect as it is, so the stored task says which failure it is.
    const failure = validity(stored?.value, request.tasks[i] as string);
    if (failure) result.failures.push(failure);
    else result.protectedTasks.push(present(stored?.value as Task, ctx.clock.now()));
  }
  if (!request.protectionEnabled) await ctx.reconcile.requestReconcile(cluster, 'UpdateTaskProtection');
  return result;
}
