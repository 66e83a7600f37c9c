import { containerInstances } from '../domain/collections.ts';
import type { Versioned } from '../ports/store.ts';
import type { Assignment, ContainerInstance } from '../schemas/container-instance.ts';
import type { Task } from '../schemas/task.ts';
import type { PlacementDecision } from '../scheduler/types.ts';
import type { ControlContext } from './context.ts';
import { conflictPause } from './conflict-pause.ts';
import { updateWithRetry } from './listing.ts';

/**
 * The one owner of an instance's assignments (what its agent must run):
 * they are added by the placement commit below, marked stopping and
 * released here, and nowhere else. Every change raises the instance's
 * generation, which is how an agent's poll learns there is news.
 */

/** What an instance holds for a task placed on it, but for the times its commit sets. */
export type NewAssignment = Omit<Assignment, 'assignedAt' | 'assignedGeneration'>;

export function assignmentOf(task: Task): NewAssignment {
  return {
    taskId: task.taskId,
    taskDefinitionArn: task.taskDefinitionArn,
    desiredStatus: 'RUNNING',
    cpu: task.cpu,
    memory: task.memory,
    ports: task.ports,
    portsUdp: task.portsUdp,
    ...(task.group !== undefined && { group: task.group }),
  };
}

/**
 * Adds assignments to an instance with one write conditional on the version
 * the plan saw. A lost race answers the instance as it is now (undefined if
 * it is gone), for the caller to plan that instance's tasks again.
 */
export async function addAssignments(
  ctx: ControlContext,
  item: Versioned<ContainerInstance>,
  added: readonly NewAssignment[],
): Promise<
  { readonly written: Versioned<ContainerInstance> } | { readonly lost: Versioned<ContainerInstance> | undefined }
> {
  const generation = item.value.generation + 1;
  const assignedAt = ctx.clock.now();
  const assignments = { ...item.value.assignments };
  for (const assignment of added)
    assignments[assignment.taskId] = { ...assignment, assignedAt, assignedGeneration: generation };
  const outcome = await ctx.store.tryReplace(
    containerInstances,
    { ...item.value, assignments, generation },
    item.version,
  );
  return outcome.written ? { written: outcome.item } : { lost: outcome.current };
}

/** Tells the agent (through its instance's assignments) to stop a task. */
export async function markAssignmentStopping(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  taskId: string,
): Promise<void> {
  await changeAssignments(ctx, cluster, instanceId, (assignments) => {
    const assignment = assignments[taskId];
    if (!assignment || assignment.desiredStatus === 'STOPPED') return undefined;
    return { ...assignments, [taskId]: { ...assignment, desiredStatus: 'STOPPED' } };
  });
  ctx.changes?.changed(cluster, [instanceId]);
}

/** A stopped task's reservation is returned to its instance. */
export async function releaseAssignment(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  taskId: string,
): Promise<void> {
  await changeAssignments(ctx, cluster, instanceId, (assignments) => {
    if (!assignments[taskId]) return undefined;
    const { [taskId]: _released, ...rest } = assignments;
    return rest;
  });
}

type Assignments = ContainerInstance['assignments'];

async function changeAssignments(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  change: (assignments: Assignments) => Assignments | undefined,
): Promise<void> {
  const key = containerInstances.key(cluster, instanceId);
  await updateWithRetry(
    ctx.store,
    containerInstances,
    key,
    (i) => {
      const assignments = change(i.assignments);
      return assignments && { ...i, assignments, generation: i.generation + 1 };
    },
    { attempts: 10, pause: conflictPause(ctx) },
  );
}

/** Rounds of plan-and-write before what is left is handed back unplaced. */
export const MAX_PLACEMENT_ROUNDS = 5;

/**
 * What a placement commit needs from its caller (RunTask's direct placement
 * or the scheduler's pass); `T` is whatever the caller places.
 */
export interface PlacementCommit<T> {
  /** The instances plans are made against, by id; the commit updates it with its writes and lost races. */
  instances(): Map<string, Versioned<ContainerInstance>>;
  /**
   * One decision per pending item, in order, against the live instances;
   * undefined plans the round again (the caller refreshed its instances).
   */
  plan(pending: readonly T[], live: readonly ContainerInstance[]): Promise<readonly PlacementDecision[] | undefined>;
  assignment(item: T): NewAssignment;
  /** An item this round found no place for; it is not tried again. */
  unplaceable(item: T, decision: Extract<PlacementDecision, { kind: 'unplaceable' }>): Promise<void> | void;
  /** An instance write carried these items' assignments. */
  committed(instanceId: string, items: readonly T[]): Promise<void> | void;
  /**
   * RunTask writes a round's instances at once; the scheduler writes them
   * one after another, each followed by its own task writes.
   */
  readonly concurrent: boolean;
}

export interface CommitOutcome<T> {
  /** Items whose instance writes lost a race in every round. */
  readonly unplaced: readonly T[];
  /** Instance writes that lost a race. */
  readonly conflicts: number;
}

/**
 * The one placement commit: plan the items, write each chosen instance once
 * with all its new assignments (conditional on the version planned
 * against), and plan again only the items of instances whose write lost a
 * race, against those instances as they are now. Capacity is therefore
 * never over-committed, however stale the plan's view.
 */
export async function commitPlacements<T>(
  ctx: ControlContext,
  items: readonly T[],
  commit: PlacementCommit<T>,
): Promise<CommitOutcome<T>> {
  let pending = [...items];
  let conflicts = 0;
  for (let round = 0; round < MAX_PLACEMENT_ROUNDS && pending.length > 0; round++) {
    const instances = commit.instances();
    const live = [...instances.values()].map((i) => i.value).filter((i) => i.status !== 'INACTIVE');
    const decisions = await commit.plan(pending, live);
    if (!decisions) {
      round--;
      continue;
    }
    const byInstance = await groupPlaced(pending, decisions, commit);
    const retry: T[] = [];
    const write = async ([instanceId, group]: [string, T[]]) => {
      const item = instances.get(instanceId) as Versioned<ContainerInstance>;
      const outcome = await addAssignments(
        ctx,
        item,
        group.map((t) => commit.assignment(t)),
      );
      if ('lost' in outcome) {
        conflicts++;
        if (outcome.lost) instances.set(instanceId, outcome.lost);
        else instances.delete(instanceId);
        retry.push(...group);
        return;
      }
      instances.set(instanceId, outcome.written);
      await commit.committed(instanceId, group);
    };
    if (commit.concurrent) await Promise.all([...byInstance].map(write));
    else for (const entry of byInstance) await write(entry);
    pending = retry;
  }
  return { unplaced: pending, conflicts };
}

/** Placed items by chosen instance, in plan order; the unplaceable are handed to the caller. */
async function groupPlaced<T>(
  pending: readonly T[],
  decisions: readonly PlacementDecision[],
  commit: PlacementCommit<T>,
): Promise<Map<string, T[]>> {
  const byInstance = new Map<string, T[]>();
  for (const [index, decision] of decisions.entries()) {
    const item = pending[index] as T;
    if (decision.kind === 'placed')
      byInstance.set(decision.instanceId, [...(byInstance.get(decision.instanceId) ?? []), item]);
    else await commit.unplaceable(item, decision);
  }
  return byInstance;
}
