import { arns, resourceId } from '../domain/arn.ts';
import { containerInstances, tasks } from '../domain/collections.ts';
import type { StartTaskRequest } from '../schemas/start-task-request.ts';
import type { Task } from '../schemas/task.ts';
import { placementRequestOf } from '../scheduler/placement-request.ts';
import { assignmentOf } from './assignments.ts';
import { assertClusterAllows } from './cluster-policy-gate.ts';
import type { ControlContext } from './context.ts';
import { placeDirectly } from './direct-placement.ts';
import { runTaskBuilder } from './run-task-build.ts';
import { placementFailures, resolveRunTask, type Failure, type RunTaskResult } from './tasks.ts';

/**
 * StartTask: one task on each named container instance. It is RunTask with
 * the engine's choice taken away: the same resolution, the same task
 * builder, the same direct placement and commit (one conditional write per
 * instance), but each task is judged against its own instance only, so a
 * full, draining or disconnected instance answers in `failures[]` with
 * ECS's reason and nothing is written for it. Unlike RunTask, a task whose
 * instance writes kept losing races is answered as a failure rather than
 * left to the scheduler, which would place it anywhere.
 */
export async function startTask(ctx: ControlContext, request: StartTaskRequest): Promise<RunTaskResult> {
  const { containerInstances: refs, ...runMembers } = request;
  const resolved = await resolveRunTask(ctx, { ...runMembers, count: refs.length });
  const { cluster, definition } = resolved;
  const named = await namedInstances(ctx, cluster, refs);
  await assertClusterAllows(ctx, cluster, definition);

  const build = runTaskBuilder(ctx, runMembers, resolved);
  const candidates = named.found.map((instanceId) => ({ instanceId, task: build(ctx.ids.next()) }));
  const { decisions } = await placeDirectly(
    ctx,
    cluster,
    candidates.map(({ instanceId, task }) => ({
      request: { ...placementRequestOf(task), instanceId },
      assignment: assignmentOf(task),
    })),
  );
  const started: Task[] = [];
  const busy: Failure[] = [];
  candidates.forEach(({ instanceId, task }, i) => {
    const decision = decisions[i];
    if (decision?.kind === 'placed') started.push({ ...task, containerInstanceId: instanceId, lastStatus: 'PENDING' });
    else if (decision?.kind === 'deferred')
      busy.push({
        arn: arns.containerInstance(ctx.deployment, cluster, instanceId),
        reason: 'AGENT',
        detail: 'The container instance kept changing while the task was placed on it; try again',
      });
  });
  await Promise.all(started.map((task) => ctx.store.create(tasks, task)));
  ctx.changes?.changed(
    cluster,
    started.map((t) => t.containerInstanceId as string),
  );
  return { tasks: started, failures: [...named.missing, ...placementFailures(ctx, cluster, decisions), ...busy] };
}

/**
 * The named instances that are registered in the cluster, by id; the others
 * (unknown, or an ARN of another cluster) are ECS's MISSING failures.
 */
async function namedInstances(
  ctx: ControlContext,
  cluster: string,
  refs: readonly string[],
): Promise<{ found: string[]; missing: Failure[] }> {
  const ids = refs.map((ref) => instanceIdIn(ctx, cluster, ref));
  const known = await ctx.store.getMany(
    containerInstances,
    ids.flatMap((id) => (id === undefined ? [] : [containerInstances.key(cluster, id)])),
  );
  const registered = new Set(known.map((i) => i.value.id));
  const found: string[] = [];
  const missing: Failure[] = [];
  ids.forEach((id, i) => {
    if (id !== undefined && registered.has(id)) found.push(id);
    else missing.push({ arn: refs[i] as string, reason: 'MISSING' });
  });
  return { found, missing };
}

/** An instance ARN of another cluster names no instance of this one: undefined, for a MISSING failure. */
function instanceIdIn(ctx: ControlContext, cluster: string, ref: string): string | undefined {
  const other = /:container-instance\/([^/]+)\/[^/]+$/.exec(ref);
  if (other !== null && other[1] !== cluster) {
    // Still refuse a malformed reference as ECS does; a well-formed one of another cluster is only missing.
    resourceId(ctx.deployment, ref, 'container-instance', other[1] as string);
    return undefined;
  }
  return resourceId(ctx.deployment, ref, 'container-instance', cluster);
}
