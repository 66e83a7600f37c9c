import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { services } from '../domain/collections.ts';
import { InvalidParameterError, NotFoundError, ServiceNotActiveError } from '../domain/errors.ts';
import { namesTaskSet } from '../domain/task-set-ref.ts';
import type { Service } from '../schemas/service.ts';
import { computedDesiredCount, type TaskSet } from '../schemas/task-set.ts';
import type {
  CreateTaskSetRequest,
  deleteTaskSetRequest,
  describeTaskSetsRequest,
  updateServicePrimaryTaskSetRequest,
  updateTaskSetRequest,
} from '../schemas/task-set-requests.ts';
import { assertClusterAllowsRef } from './cluster-policy-gate.ts';
import type { ControlContext } from './context.ts';
import { updateWithRetry } from './listing.ts';
import { activeTaskDefinitionArn, deploymentId, requireService } from './services.ts';
import { assertTaskSetRequestSupported } from './task-set-support.ts';

/** ECS allows at most five task sets (deployments) on a service. */
const MAX_TASK_SETS = 5;

export interface TaskSetResult {
  readonly service: Service;
  readonly taskSet: TaskSet;
}

const EXTERNAL_ONLY =
  'Amazon ECS only supports task set management on services configured to use external deployment controllers.';

/** The service a task set call names: ACTIVE, with the EXTERNAL controller. */
async function externalService(ctx: ControlContext, cluster: string, ref: string): Promise<Service> {
  const found = (await requireService(ctx, cluster, ref)).value;
  if (found.deploymentController !== 'EXTERNAL') throw new InvalidParameterError(EXTERNAL_ONLY);
  return found;
}

function assertActive(s: Service): void {
  if (s.status !== 'ACTIVE') throw new ServiceNotActiveError('Service was not ACTIVE.');
}

function findTaskSet(ctx: ControlContext, s: Service, ref: string): TaskSet {
  const set = s.taskSets.find((t) => namesTaskSet(ctx.deployment, ref, s.clusterName, s.serviceName, t.id));
  if (!set) {
    throw new NotFoundError(
      'taskSet',
      'The specified task set is not found. You can view your available task sets with DescribeTaskSets.',
      { taskSet: ref },
    );
  }
  return set;
}

/**
 * Writes the service after `change`, which may throw to refuse, and asks
 * for a reconcile. The change sees the service as stored at write time.
 */
async function changeService(
  ctx: ControlContext,
  s: Service,
  why: string,
  change: (current: Service) => Service,
): Promise<Service> {
  const updated = await updateWithRetry(ctx.store, services, services.key(s.clusterName, s.serviceName), (c) => {
    assertActive(c);
    return change(c);
  });
  if (!updated) throw new NotFoundError('service', 'Service not found.', { service: s.serviceName });
  await ctx.reconcile.requestReconcile(s.clusterName, why);
  return updated.value;
}

function scalePercent(value: number | undefined): number {
  if (value === undefined) throw new InvalidParameterError('scale.value is required');
  return value;
}

export async function createTaskSet(ctx: ControlContext, request: CreateTaskSetRequest): Promise<TaskSetResult> {
  const found = await externalService(ctx, request.cluster, request.service);
  assertActive(found);
  assertTaskSetRequestSupported(request);
  const taskDefinitionArn = await activeTaskDefinitionArn(ctx, request.taskDefinition);
  await assertClusterAllowsRef(ctx, found.clusterName, taskDefinitionArn);
  const token =
    request.clientToken === undefined
      ? undefined
      : `${request.clientToken}#${createHash('sha256')
          .update(JSON.stringify({ ...request, clientToken: undefined }))
          .digest('hex')}`;
  const now = ctx.clock.now();
  const id = deploymentId(ctx);
  const percent = request.scale?.value ?? 100;
  let created: TaskSet | undefined;
  const service = await changeService(ctx, found, 'CreateTaskSet', (s) => {
    const again = token === undefined ? undefined : s.taskSets.find((t) => t.clientToken === token);
    created = again;
    if (again) return s;
    if (s.taskSets.length >= MAX_TASK_SETS) {
      throw new InvalidParameterError(
        `${s.taskSets.length} deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.`,
      );
    }
    created = {
      id,
      ...(request.externalId !== undefined && { externalId: request.externalId }),
      status: 'ACTIVE',
      taskDefinitionArn,
      launchType: request.launchType === 'EXTERNAL' ? 'EXTERNAL' : 'EC2',
      scalePercent: percent,
      computedDesiredCount: computedDesiredCount(s.desiredCount, percent),
      pendingCount: 0,
      runningCount: 0,
      stabilityStatus: 'STABILIZING',
      stabilityStatusAt: now,
      tags: request.tags ?? [],
      ...(token !== undefined && { clientToken: token }),
      createdAt: now,
      updatedAt: now,
    };
    return { ...s, taskSets: [...s.taskSets, created] };
  });
  if (!created) throw new Error('CreateTaskSet wrote no task set');
  return { service, taskSet: created };
}

/** Applies `change` to the named task set and answers with it as written. */
async function changeTaskSet(
  ctx: ControlContext,
  cluster: string,
  serviceRef: string,
  ref: string,
  why: string,
  change: (set: TaskSet, s: Service) => Service,
): Promise<TaskSetResult> {
  const found = await externalService(ctx, cluster, serviceRef);
  assertActive(found);
  findTaskSet(ctx, found, ref);
  const service = await changeService(ctx, found, why, (s) => change(findTaskSet(ctx, s, ref), s));
  return { service, taskSet: findTaskSet(ctx, service, ref) };
}

function replaceSet(s: Service, set: TaskSet): Service {
  return { ...s, taskSets: s.taskSets.map((t) => (t.id === set.id ? set : t)) };
}

function assertNotDraining(set: TaskSet): void {
  if (set.status === 'DRAINING') throw new InvalidParameterError(`The task set ${set.id} is being deleted`);
}

export async function updateTaskSet(
  ctx: ControlContext,
  request: z.infer<typeof updateTaskSetRequest>,
): Promise<TaskSetResult> {
  const percent = scalePercent(request.scale.value);
  const now = ctx.clock.now();
  return changeTaskSet(ctx, request.cluster, request.service, request.taskSet, 'UpdateTaskSet', (set, s) => {
    assertNotDraining(set);
    const computed = computedDesiredCount(s.desiredCount, percent);
    return replaceSet(s, { ...set, scalePercent: percent, computedDesiredCount: computed, updatedAt: now });
  });
}

/**
 * Marks the task set DRAINING: the scheduler stops its tasks and then
 * forgets it. Without `force` it must have been scaled to 0 first.
 */
export async function deleteTaskSet(
  ctx: ControlContext,
  request: z.infer<typeof deleteTaskSetRequest>,
): Promise<TaskSetResult> {
  const now = ctx.clock.now();
  return changeTaskSet(ctx, request.cluster, request.service, request.taskSet, 'DeleteTaskSet', (set, s) => {
    if (set.status === 'DRAINING') return s;
    if (set.scalePercent > 0 && request.force !== true) {
      throw new InvalidParameterError(
        `The task set ${set.id} cannot be deleted while its scale is above 0%: scale it to 0 first, or set force`,
      );
    }
    const drained = replaceSet(s, { ...set, status: 'DRAINING', computedDesiredCount: 0, updatedAt: now });
    return set.status === 'PRIMARY' ? { ...drained, taskDefinitionArn: '' } : drained;
  });
}

/** Makes the task set PRIMARY; the previous PRIMARY one becomes ACTIVE. */
export async function updateServicePrimaryTaskSet(
  ctx: ControlContext,
  request: z.infer<typeof updateServicePrimaryTaskSetRequest>,
): Promise<TaskSetResult> {
  const now = ctx.clock.now();
  return changeTaskSet(
    ctx,
    request.cluster,
    request.service,
    request.primaryTaskSet,
    'UpdateServicePrimaryTaskSet',
    (set, s) => {
      assertNotDraining(set);
      if (set.status === 'PRIMARY') return s;
      const taskSets = s.taskSets.map((t): TaskSet => {
        if (t.id === set.id) return { ...t, status: 'PRIMARY', updatedAt: now };
        return t.status === 'PRIMARY' ? { ...t, status: 'ACTIVE', updatedAt: now } : t;
      });
      return { ...s, taskSets, taskDefinitionArn: set.taskDefinitionArn };
    },
  );
}

export async function describeTaskSets(
  ctx: ControlContext,
  request: z.infer<typeof describeTaskSetsRequest>,
): Promise<{ service: Service; taskSets: TaskSet[]; missing: string[] }> {
  const service = await externalService(ctx, request.cluster, request.service);
  if (request.taskSets === undefined) return { service, taskSets: service.taskSets, missing: [] };
  const taskSets: TaskSet[] = [];
  const missing: string[] = [];
  for (const ref of request.taskSets) {
    const set = service.taskSets.find((t) =>
      namesTaskSet(ctx.deployment, ref, service.clusterName, service.serviceName, t.id),
    );
    if (set) taskSets.push(set);
    else missing.push(ref);
  }
  return { service, taskSets, missing };
}
