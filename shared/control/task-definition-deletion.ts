import { arns, taskDefinitionRef } from '../domain/arn.ts';
import {
  clusters,
  pendingTaskDefinitionDeletions,
  services,
  taskDefinitionFamilies,
  taskDefinitions,
  tasks,
} from '../domain/collections.ts';
import { InvalidParameterError } from '../domain/errors.ts';
import type { TaskDefinition } from '../schemas/task-definition.ts';
import type { DeleteTaskDefinitionsRequest } from '../schemas/task-definition-deletion.ts';
import type { ControlContext } from './context.ts';
import { readAll, updateWithRetry } from './listing.ts';

export interface DeletionFailure {
  readonly arn: string;
  readonly reason: string;
}

/** ECS's reasons in DeleteTaskDefinitions' failures. */
export const STILL_ACTIVE =
  'The specified task definition is still in ACTIVE status. Please deregister the target and try again.';
export const NO_SUCH_REVISION =
  'The specified task definition does not exist. Specify a valid account, family, revision and try again.';

/**
 * DeleteTaskDefinitions: an INACTIVE revision becomes DELETE_IN_PROGRESS at
 * once and is answered so; an ACTIVE or unknown one is a failure. Each
 * DELETE_IN_PROGRESS revision gets a pending-deletion marker (written again
 * when the call is repeated, so a call cut short between the two writes is
 * healed by its retry). A revision no task or service uses is then removed;
 * one still in use stays DELETE_IN_PROGRESS until the monitor's
 * `finishDeletions` finds it unused. Every identifier is checked before
 * anything is written.
 */
export async function deleteTaskDefinitions(
  ctx: ControlContext,
  request: DeleteTaskDefinitionsRequest,
): Promise<{ taskDefinitions: TaskDefinition[]; failures: DeletionFailure[] }> {
  const refs = request.taskDefinitions.map((value) => ({ value, ...taskDefinitionRef(ctx.deployment, value) }));
  const bare = refs.find((r) => r.revision === undefined);
  if (bare) {
    throw new InvalidParameterError(
      `taskDefinitions: ${bare.value} names no revision; use family:revision or a task definition ARN`,
    );
  }
  const deleted: TaskDefinition[] = [];
  const failures: DeletionFailure[] = [];
  for (const ref of refs) {
    const revision = ref.revision ?? 0;
    const arn = arns.taskDefinition(ctx.deployment, ref.family, revision);
    const stored = await updateWithRetry(
      ctx.store,
      taskDefinitions,
      taskDefinitions.key(ref.family, revision),
      (t): TaskDefinition | undefined =>
        t.status === 'INACTIVE' ? { ...t, status: 'DELETE_IN_PROGRESS' as const } : undefined,
    );
    if (!stored) failures.push({ arn, reason: NO_SUCH_REVISION });
    else if (stored.value.status === 'ACTIVE') failures.push({ arn, reason: STILL_ACTIVE });
    else {
      deleted.push(stored.value);
      await ctx.store.tryCreate(pendingTaskDefinitionDeletions, { family: ref.family, revision });
    }
  }
  if (deleted.length > 0) await finishDeletions(ctx);
  return { taskDefinitions: deleted, failures };
}

/**
 * Removes every pending deletion whose revision no unstopped task and no
 * service deployment uses, then its marker; a marker whose revision is gone
 * or no longer DELETE_IN_PROGRESS is dropped. The family keeps the highest
 * revision removed, so the next registration numbers past it. Reads only the
 * markers when there are none (the monitor calls it every sweep).
 */
export async function finishDeletions(ctx: ControlContext): Promise<number> {
  const pending = await readAll(ctx.store, pendingTaskDefinitionDeletions, pendingTaskDefinitionDeletions.partition());
  if (pending.length === 0) return 0;
  const inUse = await taskDefinitionsInUse(ctx);
  let removed = 0;
  for (const marker of pending) {
    const { family, revision } = marker.value;
    const item = await ctx.store.get(taskDefinitions, taskDefinitions.key(family, revision));
    if (item?.value.status === 'DELETE_IN_PROGRESS') {
      if (inUse.has(arns.taskDefinition(ctx.deployment, family, revision))) continue;
      await updateWithRetry(ctx.store, taskDefinitionFamilies, taskDefinitionFamilies.key(family), (f) =>
        (f.retiredRevision ?? 0) >= revision ? undefined : { ...f, retiredRevision: revision },
      );
      // Changed since it was read: the next pass decides on it again.
      if (!(await ctx.store.tryDelete(taskDefinitions, taskDefinitions.key(family, revision), item.version)).deleted)
        continue;
      removed++;
    }
    const key = pendingTaskDefinitionDeletions.key(pendingTaskDefinitionDeletions.sortOf(marker.value));
    await ctx.store.tryDelete(pendingTaskDefinitionDeletions, key, marker.version);
  }
  return removed;
}

/** The ARNs of the revisions that some unstopped task or some service deployment still uses. */
async function taskDefinitionsInUse(ctx: ControlContext): Promise<Set<string>> {
  const used = new Set<string>();
  for (const cluster of await readAll(ctx.store, clusters, clusters.partition())) {
    const name = cluster.value.clusterName;
    const [clusterTasks, clusterServices] = await Promise.all([
      readAll(ctx.store, tasks, tasks.partition(name)),
      readAll(ctx.store, services, services.partition(name)),
    ]);
    for (const t of clusterTasks) if (t.value.lastStatus !== 'STOPPED') used.add(t.value.taskDefinitionArn);
    for (const s of clusterServices) {
      if (s.value.status === 'INACTIVE') continue;
      used.add(s.value.taskDefinitionArn);
      for (const d of s.value.deployments) used.add(d.taskDefinitionArn);
    }
  }
  return used;
}
