import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { arns, resourceId } from '../domain/arn.ts';
import { idempotencyRecords, tasks } from '../domain/collections.ts';
import { ClientError, InvalidParameterError } from '../domain/errors.ts';
import { validateOverrides } from '../domain/override-rules.ts';
import { checkNetworkConfiguration } from '../domain/network-configuration.ts';
import type { listTasksRequest, RunTaskRequest, stopTaskRequest } from '../schemas/ecs-requests.ts';
import type { Task } from '../schemas/task.ts';
import type { RequestedStopCode } from '../schemas/stop-codes.ts';
import * as transition from '../domain/task-transitions.ts';
import { validatePlacement } from '../scheduler/pipeline.ts';
import { placementRequestOf } from '../scheduler/placement-request.ts';
import type { ControlContext } from './context.ts';
import { requireActiveCluster, optionalAfter } from './clusters.ts';
import { findTaskDefinition } from './task-definitions.ts';
import { listMatching, updateWithRetry } from './listing.ts';
import { decodeToken, encodeToken, pageSize } from './pagination.ts';
import { stoppedTaskExpiry } from './task-expiry.ts';
import { assertClusterAllows } from './cluster-policy-gate.ts';
import { placeDirectly, type DirectDecision } from './direct-placement.ts';
import { assignmentOf, releaseAssignment } from './assignments.ts';
import { conflictPause } from './conflict-pause.ts';
import { checkRunTaskTags } from '../domain/tags.ts';
import { runTaskBuilder } from './run-task-build.ts';
import { chooseStrategy } from '../domain/capacity-strategy.ts';
import { onProviders, waitForCapacity } from './capacity-placement.ts';

// Its home is shared/scheduler/placement-request.ts (a pure mapping); kept
// reachable here for the callers that still import it from tasks.ts.
export { placementRequestOf };

export interface Failure {
  readonly arn?: string;
  readonly reason: string;
  readonly detail?: string;
}

export interface RunTaskResult {
  readonly tasks: Task[];
  readonly failures: Failure[];
}

/**
 * What RunTask and its dry run check first: the count, an active cluster, an
 * ACTIVE task definition, overrides within the definition's bounds, and placement rules (the definition's constraints
 * and the request's together) that parse.
 */
export async function resolveRunTask(ctx: ControlContext, request: RunTaskRequest) {
  // As ECS: a missing cluster is the answer before anything else the body gets wrong.
  const clusterItem = (await requireActiveCluster(ctx, request.cluster)).value;
  const cluster = clusterItem.clusterName;
  const count = request.count ?? 1;
  if (count < 1 || count > 10) throw new InvalidParameterError('count must be between 1 and 10');
  const definition = (await findTaskDefinition(ctx, request.taskDefinition)).value;
  if (definition.status !== 'ACTIVE') {
    throw new ClientError(`TaskDefinition is inactive: ${definition.family}:${definition.revision}`);
  }
  validateOverrides(definition, request.overrides);
  checkNetworkConfiguration(definition.networkMode, request.networkConfiguration);
  checkRunTaskTags(request);
  const constraints = [...(definition.placementConstraints ?? []), ...(request.placementConstraints ?? [])];
  const strategy = request.placementStrategy ?? [];
  validatePlacement(strategy, constraints);
  const capacity = chooseStrategy(
    { launchType: request.launchType, given: request.capacityProviderStrategy },
    clusterItem,
  );
  return { count, cluster, definition, constraints, strategy, capacity };
}

/**
 * RunTask places its tasks itself (direct-placement.ts): each placed task's
 * assignment is written on its instance, then the task is created already
 * bound (PENDING), and the instances' agents are told. Tasks that fit on no
 * instance are answered as failures with ECS's reasons and never written;
 * tasks whose instance writes kept losing races are written PROVISIONING and
 * left to the scheduler, as a service's tasks are.
 */
export async function runTask(ctx: ControlContext, request: RunTaskRequest): Promise<RunTaskResult> {
  const resolved = await resolveRunTask(ctx, request);
  const { count, cluster: name, definition } = resolved;
  const build = runTaskBuilder(ctx, request, resolved);
  // The cluster's policy refuses before anything is written or placed.
  await assertClusterAllows(ctx, name, definition);

  const token = request.clientToken;
  const requestHash = createHash('sha256')
    .update(JSON.stringify({ ...request, clientToken: undefined }))
    .digest('hex');
  if (token !== undefined) {
    const seen = await ctx.store.get(idempotencyRecords, idempotencyRecords.key(name, 'RunTask', token));
    if (seen) {
      if (seen.value.requestHash !== requestHash) {
        throw new ClientError('The clientToken was already used with a different request');
      }
      return { tasks: await ensureTasks(ctx, name, seen.value.resultIds, build), failures: [] };
    }
  }

  const candidates = onProviders(
    Array.from({ length: count }, () => build(ctx.ids.next())),
    resolved.capacity,
  );
  const placed = await placeDirectly(
    ctx,
    name,
    candidates.map((task) => ({ request: placementRequestOf(task), assignment: assignmentOf(task) })),
  );
  const { liveInstances } = placed;
  const decisions = waitForCapacity(candidates, placed.decisions);
  const placedOn = (i: number) => {
    const decision = decisions[i];
    return decision?.kind === 'placed' ? decision.instanceId : undefined;
  };
  const accepted = candidates.flatMap((task, i): Task[] => {
    const instanceId = placedOn(i);
    if (instanceId !== undefined) return [{ ...task, containerInstanceId: instanceId, lastStatus: 'PENDING' }];
    return decisions[i]?.kind === 'deferred' ? [task] : [];
  });
  const instanceIds = new Set(candidates.flatMap((_, i) => placedOn(i) ?? []));
  if (liveInstances === 0 && resolved.capacity === undefined) {
    throw new InvalidParameterError('No Container Instances were found in your cluster.');
  }
  const failures = placementFailures(ctx, name, decisions);

  if (token !== undefined) {
    const claimed = await ctx.store.tryCreate(
      idempotencyRecords,
      {
        clusterName: name,
        operation: 'RunTask',
        token,
        requestHash,
        resultIds: accepted.map((t) => t.taskId),
        createdAt: ctx.clock.now(),
      },
      { expiresAt: Math.floor(ctx.clock.now() / 1000) + 24 * 3600 },
    );
    if (!claimed.written) {
      // Another request with this token got there first: give back what this
      // one took, then answer as that one did.
      for (const task of accepted) {
        if (task.containerInstanceId !== undefined)
          await releaseAssignment(ctx, name, task.containerInstanceId, task.taskId);
      }
      return runTask(ctx, request);
    }
  }
  await Promise.all(accepted.map((task) => ctx.store.create(tasks, task)));
  ctx.changes?.changed(name, instanceIds);
  if (accepted.some((t) => t.containerInstanceId === undefined)) await ctx.reconcile.requestReconcile(name, 'RunTask');
  return { tasks: accepted, failures };
}

/** Finishes a RunTask whose idempotency record was written but whose tasks may not all be. */
async function ensureTasks(
  ctx: ControlContext,
  name: string,
  ids: readonly string[],
  build: (id: string) => Task,
): Promise<Task[]> {
  const found = await ctx.store.getMany(
    tasks,
    ids.map((id) => tasks.key(name, id)),
  );
  const byId = new Map(found.map((f) => [f.value.taskId, f.value]));
  const result: Task[] = [];
  for (const id of ids) {
    const existing = byId.get(id);
    if (existing) {
      result.push(existing);
      continue;
    }
    const task = build(id);
    const outcome = await ctx.store.tryCreate(tasks, task);
    if (outcome.written) result.push(task);
    // Written by the request that raced this one: the one it wrote stands.
    else if (outcome.current) result.push(outcome.current.value);
  }
  if (result.length < ids.length || found.length < ids.length) await ctx.reconcile.requestReconcile(name, 'RunTask');
  return result;
}

/** ECS reports placement failures per instance: the instance's ARN and its reason. */
export function placementFailures(
  ctx: ControlContext,
  cluster: string,
  decisions: readonly DirectDecision[],
): Failure[] {
  const seen = new Set<string>();
  const failures: Failure[] = [];
  for (const decision of decisions) {
    if (decision.kind !== 'unplaceable') continue;
    for (const reason of decision.reasons) {
      for (const id of reason.instanceIds) {
        const key = `${id}/${reason.reason}`;
        if (seen.has(key)) continue;
        seen.add(key);
        failures.push({
          arn: arns.containerInstance(ctx.deployment, cluster, id),
          reason: reason.reason,
          detail: decision.message,
        });
      }
    }
  }
  return failures;
}

export async function stopTask(ctx: ControlContext, request: z.infer<typeof stopTaskRequest>): Promise<Task> {
  const name = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const taskId = resourceId(ctx.deployment, request.task, 'task', name);
  const task = await requestStop(ctx, name, taskId, 'UserInitiated', request.reason ?? 'Task stopped by user');
  if (!task) throw new InvalidParameterError('The referenced task was not found.', { task: request.task });
  // The scheduler tells the instance (propagateStop); until then the agent's next poll would not know.
  if (task.lastStatus !== 'STOPPED') await ctx.reconcile.requestReconcile(name, 'StopTask');
  return task;
}

/**
 * Asks for a task to stop: its desired status becomes STOPPED, which is all
 * the API writes. The task item is the authority; the instance's assignment
 * is told by the scheduler (propagateStop, queued here), so StopTask never
 * contends with placements and reports on the instance item. A task that was
 * never placed is stopped at once. The first stop's code and reason are kept.
 * Returns undefined when the task does not exist.
 */
export async function requestStop(
  ctx: ControlContext,
  cluster: string,
  taskId: string,
  stopCode: RequestedStopCode,
  reason: string,
): Promise<Task | undefined> {
  const stored = await updateWithRetry(
    ctx.store,
    tasks,
    tasks.key(cluster, taskId),
    transition.requestStop({ stopCode, reason }, ctx.clock.now()),
    { expiresAt: (t) => stoppedTaskExpiry(ctx, t), attempts: 10, pause: conflictPause(ctx) },
  );
  return stored?.value;
}

export async function describeTasks(
  ctx: ControlContext,
  clusterRef: string | undefined,
  refs: readonly string[],
): Promise<{ tasks: Task[]; failures: Failure[] }> {
  const name = (await requireActiveCluster(ctx, clusterRef)).value.clusterName;
  const ids = refs.map((r) => resourceId(ctx.deployment, r, 'task', name));
  const found = await ctx.store.getMany(
    tasks,
    ids.map((id) => tasks.key(name, id)),
  );
  const byId = new Map(found.map((f) => [f.value.taskId, f.value]));
  const result: Task[] = [];
  const failures: Failure[] = [];
  ids.forEach((id, i) => {
    const task = byId.get(id);
    if (task) result.push(task);
    // ECS names a missing task by the ARN it would have, whatever form was asked.
    else failures.push({ arn: arns.task(ctx.deployment, name, id), reason: 'MISSING' });
  });
  return { tasks: result, failures };
}

export async function listTasks(
  ctx: ControlContext,
  request: z.infer<typeof listTasksRequest>,
): Promise<{ tasks: Task[]; nextToken?: string }> {
  const name = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const instanceId =
    request.containerInstance !== undefined
      ? resourceId(ctx.deployment, request.containerInstance, 'container-instance', name)
      : undefined;
  const desired = request.desiredStatus ?? 'RUNNING';
  const page = await listMatching(ctx.store, tasks, tasks.partition(name), {
    limit: pageSize(request.maxResults),
    ...optionalAfter(decodeToken(`tasks/${name}`, request.nextToken)),
    match: (t) =>
      t.desiredStatus === desired &&
      (instanceId === undefined || t.containerInstanceId === instanceId) &&
      (request.family === undefined || t.family === request.family) &&
      (request.startedBy === undefined || t.startedBy === request.startedBy) &&
      (request.serviceName === undefined || t.group === `service:${request.serviceName}`) &&
      (request.launchType === undefined || request.launchType === 'EC2'),
  });
  return {
    tasks: page.items.map((i) => i.value),
    ...(page.next !== undefined && { nextToken: encodeToken(`tasks/${name}`, page.next) }),
  };
}
