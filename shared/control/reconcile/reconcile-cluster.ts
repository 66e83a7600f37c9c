import { containerInstances, services, tasks } from '#shared/domain/collections.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import { assignmentOf, commitPlacements, markAssignmentStopping, releaseAssignment } from '../assignments.ts';
import * as transition from '#shared/domain/task-transitions.ts';
import type { Task } from '#shared/schemas/task.ts';
import type { Versioned } from '#shared/ports/store.ts';
import type { ControlContext } from '../context.ts';
import { readAll, updateWithRetry } from '../listing.ts';
import { placementRequestOf } from '../tasks.ts';
import { stopNow } from '../stop-now.ts';
import { buildFleet } from '#shared/scheduler/fleet.ts';
import { placeTask, planPlacements, reserve } from '#shared/scheduler/pipeline.ts';
import type { PlacementDecision } from '#shared/scheduler/types.ts';
import { planReconcile, type Repair } from '#shared/scheduler/reconcile.ts';
import { reconcileServices, recordUnplaceable } from './reconcile-services.ts';
import { reconcileTraffic } from './reconcile-traffic.ts';
import { reconcileDiscovery } from './reconcile-discovery.ts';
import { reconcileDnsDrain } from './reconcile-dns-drain.ts';
import { publishDnsView } from '../dns-view.ts';

export interface ReconcileOutcome {
  readonly placed: number;
  readonly unplaceable: number;
  readonly repairs: number;
  /** Instance writes that lost a race and were re-planned. */
  readonly conflicts: number;
  /** Service tasks started and stopped by this pass. */
  readonly started: number;
  readonly stopped: number;
}

/**
 * One pass of the scheduler over one cluster: read everything, repair what
 * disagrees, place what waits. Safe to run any number of times, concurrently
 * with the API and agents: every write is conditional on what was read.
 */
export async function reconcileCluster(ctx: ControlContext, cluster: string): Promise<ReconcileOutcome> {
  // Services are read before tasks: a service written by a concurrent pass
  // then announces actions our task snapshot must already show (see behind()).
  const serviceItems = await readAll(ctx.store, services, services.partition(cluster));
  let [instanceItems, taskItems] = await readCluster(ctx, cluster);
  const plan = planReconcile(
    instanceItems.map((i) => i.value),
    taskItems.map((t) => t.value),
    ctx.clock.now(),
  );
  for (const repair of plan.repairs) await applyRepair(ctx, cluster, repair);
  // Services must see the repairs (a lost task is one to replace), so read again.
  if (plan.repairs.length > 0) [instanceItems, taskItems] = await readCluster(ctx, cluster);
  const servicesOutcome = await reconcileServices(
    ctx,
    cluster,
    serviceItems,
    instanceItems.map((i) => i.value),
    taskItems.map((t) => t.value),
  );
  const waiting =
    plan.repairs.length > 0
      ? planReconcile(
          instanceItems.map((i) => i.value),
          taskItems.map((t) => t.value),
          ctx.clock.now(),
        ).toPlace
      : plan.toPlace;
  const versions = new Map(taskItems.map((t) => [t.value.taskId, t]));
  const placement = await placeTasks(ctx, cluster, instanceItems, waiting, servicesOutcome.fresh, versions);
  await reconcileTraffic(
    ctx,
    serviceItems,
    instanceItems.map((i) => i.value),
    taskItems.map((t) => t.value),
  );
  await reconcileDiscovery(
    ctx,
    serviceItems,
    instanceItems.map((i) => i.value),
    taskItems.map((t) => t.value),
  );
  await reconcileDnsDrain(
    ctx,
    serviceItems,
    instanceItems.map((i) => i.value),
    taskItems.map((t) => t.value),
  );
  await publishDnsView(ctx, cluster, {
    services: serviceItems.map((s) => s.value),
    instances: instanceItems.map((i) => i.value),
    tasks: taskItems.map((t) => t.value),
    stopping: servicesOutcome.stoppedTaskIds,
  });
  return {
    ...placement,
    repairs: plan.repairs.length,
    started: servicesOutcome.started,
    stopped: servicesOutcome.stopped,
  };
}

function readCluster(
  ctx: ControlContext,
  cluster: string,
): Promise<[Versioned<ContainerInstance>[], Versioned<Task>[]]> {
  return Promise.all([
    readAll(ctx.store, containerInstances, containerInstances.partition(cluster)),
    readAll(ctx.store, tasks, tasks.partition(cluster)),
  ]);
}

async function applyRepair(ctx: ControlContext, cluster: string, repair: Repair): Promise<void> {
  switch (repair.kind) {
    case 'bind':
      await bindTask(ctx, cluster, repair.taskId, repair.instanceId);
      return;
    case 'release':
      await releaseAssignment(ctx, cluster, repair.instanceId, repair.taskId);
      return;
    case 'propagateStop':
      await markAssignmentStopping(ctx, cluster, repair.instanceId, repair.taskId);
      return;
    case 'stopUnplaced':
      await stopNow(ctx, cluster, repair.taskId, {
        stopCode: 'TaskFailedToStart',
        reason: 'Task stopped before placement',
      });
      return;
    case 'lost':
      await stopNow(ctx, cluster, repair.taskId, { reason: repair.reason });
      return;
    case 'stopDisconnected':
      await stopNow(ctx, cluster, repair.taskId, {
        reason: `Task stopped while container instance ${repair.instanceId} was disconnected`,
      });
      return;
  }
}

/**
 * Binds a task to the instance that holds its assignment. The task's version
 * from the snapshot is tried first, which costs one write and no read; only
 * if the task changed since is it read again.
 */
async function bindTask(
  ctx: ControlContext,
  cluster: string,
  taskId: string,
  instanceId: string,
  known?: Versioned<Task>,
): Promise<boolean> {
  const bind = transition.bind(instanceId);
  if (known) {
    const next = bind(known.value);
    if (!next) return false;
    if ((await ctx.store.tryReplace(tasks, next, known.version)).written) return true;
    // Lost to another writer: read and bind again below.
  }
  let bound = false;
  await updateWithRetry(ctx.store, tasks, tasks.key(cluster, taskId), (t) => {
    const next = bind(t);
    bound = next !== undefined;
    return next;
  });
  return bound;
}

/**
 * Places tasks against a snapshot of the fleet, then commits one conditional
 * write per chosen instance (all its new assignments at once) followed by one
 * write per task: a waiting task (PROVISIONING) is bound, a fresh one (a
 * service's, not yet written) is created bound, PENDING. A fresh task that
 * finds no place is created PROVISIONING and waits for capacity. An instance
 * write that loses a race is re-read and only its tasks are planned again
 * (commitPlacements).
 */
async function placeTasks(
  ctx: ControlContext,
  cluster: string,
  instanceItems: readonly Versioned<ContainerInstance>[],
  waiting: readonly Task[],
  fresh: readonly Task[],
  versions: ReadonlyMap<string, Versioned<Task>>,
): Promise<Pick<ReconcileOutcome, 'placed' | 'unplaceable' | 'conflicts'>> {
  const current = new Map(instanceItems.map((i) => [i.value.id, i]));
  const unwritten = new Set(fresh.map((t) => t.taskId));
  /** Writes a fresh task as it is, to wait for the next pass. */
  const park = async (task: Task) => {
    if (unwritten.delete(task.taskId)) await ctx.store.create(tasks, task);
  };
  let placed = 0;
  let unplaceable = 0;
  const { unplaced, conflicts } = await commitPlacements(ctx, [...waiting, ...fresh], {
    instances: () => current,
    plan: async (pending, live) => decide(pending, live),
    assignment: assignmentOf,
    unplaceable: async (task, decision) => {
      unplaceable++;
      // A service's task waits for capacity (its service says why); a standalone one fails now.
      const service = task.group?.startsWith('service:') ? task.group.slice('service:'.length) : undefined;
      if (service !== undefined) {
        await park(task);
        await recordUnplaceable(ctx, cluster, service, decision.message);
      } else if (task.capacityProviderName !== undefined) {
        // Its provider's managed scaling launches capacity for it, as in ECS (docs/scaling.md).
        await park(task);
      } else await stopUnplaceable(ctx, task, decision.message);
    },
    committed: async (instanceId, group) => {
      for (const task of group) {
        if (unwritten.delete(task.taskId)) {
          await ctx.store.create(tasks, { ...task, containerInstanceId: instanceId, lastStatus: 'PENDING' });
          placed++;
        } else if (await bindTask(ctx, cluster, task.taskId, instanceId, versions.get(task.taskId))) placed++;
      }
      ctx.changes?.changed(cluster, [instanceId]);
    },
    concurrent: false,
  });
  // Tasks still pending after every round wait PROVISIONING; the next pass places them.
  for (const task of unplaced) await park(task);
  if (unplaced.length > 0) await ctx.reconcile.requestReconcile(cluster, 'placement conflicts');
  return { placed, unplaceable, conflicts };
}

/**
 * Free tasks go through the pipeline over the whole fleet, in order; a
 * pinned task (a daemon's) through the same pipeline over its one instance,
 * against a fleet that already holds this plan's earlier choices.
 */
function decide(pending: readonly Task[], live: readonly ContainerInstance[]): PlacementDecision[] {
  const fleet = buildFleet(live);
  const free = pending.filter((t) => t.pinnedInstanceId === undefined);
  const freeDecisions = planPlacements(free.map(placementRequestOf), fleet);
  const byTask = new Map(free.map((t, i) => [t.taskId, freeDecisions[i] as PlacementDecision]));
  for (const task of pending) {
    if (task.pinnedInstanceId === undefined) continue;
    const target = fleet.byId.get(task.pinnedInstanceId);
    const request = placementRequestOf(task);
    const decision: PlacementDecision = target
      ? placeTask(request, { ...fleet, instances: [target], byId: new Map([[target.id, target]]) })
      : { kind: 'unplaceable', reasons: [], message: `Container instance ${task.pinnedInstanceId} is not available` };
    if (decision.kind === 'placed') reserve(fleet, decision.instanceId, request);
    byTask.set(task.taskId, decision);
  }
  return pending.map((t) => byTask.get(t.taskId) as PlacementDecision);
}

/**
 * A standalone task that fits nowhere is stopped with the scheduler's reason,
 * as ECS fails such a RunTask; it is never left waiting silently.
 */
async function stopUnplaceable(ctx: ControlContext, task: Task, message: string): Promise<void> {
  const unplaced = (t: Task) => t.lastStatus === 'PROVISIONING' && t.containerInstanceId === undefined;
  await stopNow(
    ctx,
    task.clusterName,
    task.taskId,
    { stopCode: 'TaskFailedToStart', reason: `Unable to place task: ${message}` },
    unplaced,
  );
}
