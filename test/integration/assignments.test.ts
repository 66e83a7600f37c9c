import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessQueue } from '#functions/adapters/in-process-queue.ts';
import { queueReconciles } from '#functions/adapters/reconcile-queue.ts';
import { controlContext } from '#functions/runtime/control-context.ts';
import { parseEnvironment } from '#functions/runtime/env.ts';
import {
  MAX_PLACEMENT_ROUNDS,
  commitPlacements,
  markAssignmentStopping,
  releaseAssignment,
  type PlacementCommit,
} from '#shared/control/assignments.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { containerInstances } from '#shared/domain/collections.ts';
import type { Versioned } from '#shared/ports/store.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { PlacementDecision } from '#shared/scheduler/types.ts';
import { anAssignment, anInstance } from '../fixtures/entities.ts';
import { startEmbeddedStore, type EmbeddedStore } from '../support/embedded-store.ts';

/**
 * The one placement commit over the real store (embedded DynamoDB): an
 * instance written behind the plan's back is how a concurrent placement
 * looks to it, and the commit must notice through its conditional write.
 */
describe('assignments', () => {
  let table: EmbeddedStore;
  let ctx: ControlContext;
  const queue = createInProcessQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
  let cluster = 0;

  beforeAll(async () => {
    table = await startEmbeddedStore();
    ctx = controlContext(parseEnvironment({}), {
      store: table.newStore(),
      reconcile: queueReconciles(queue),
    });
  });
  afterAll(async () => {
    queue.close();
    await table?.close();
  });

  /** A fresh cluster per test, holding one instance with these assignments. */
  async function anInstanceStored(overrides: Partial<ContainerInstance> = {}): Promise<Versioned<ContainerInstance>> {
    return ctx.store.create(containerInstances, anInstance({ clusterName: `c${++cluster}`, ...overrides }));
  }
  const keyOf = (i: ContainerInstance) => ({ partition: containerInstances.partitionOf(i), sort: i.id });
  const read = async (i: ContainerInstance) => (await ctx.store.get(containerInstances, keyOf(i)))?.value;
  /** Another writer's change, which the commit's view does not see. */
  const behindItsBack = async (i: ContainerInstance) => {
    const now = (await ctx.store.get(containerInstances, keyOf(i))) as Versioned<ContainerInstance>;
    await ctx.store.replace(containerInstances, { ...now.value, heartbeatAt: now.value.heartbeatAt + 1 }, now.version);
  };

  function commitOnto(
    view: Map<string, Versioned<ContainerInstance>>,
    plan: (pending: readonly string[], live: readonly ContainerInstance[]) => Promise<PlacementDecision[]>,
  ) {
    const seen = { committed: [] as [string, readonly string[]][], unplaceable: [] as string[] };
    const commit: PlacementCommit<string> = {
      instances: () => view,
      plan,
      assignment: (taskId) => anAssignment(taskId),
      unplaceable: (taskId) => void seen.unplaceable.push(taskId),
      committed: (instanceId, taskIds) => void seen.committed.push([instanceId, taskIds]),
      concurrent: false,
    };
    return { commit, seen };
  }
  const onto = (instanceId: string) => async (pending: readonly string[]) =>
    pending.map((): PlacementDecision => ({ kind: 'placed', instanceId }));

  it('writes all of an instance’s new assignments in one write that raises its generation', async () => {
    const stored = await anInstanceStored();
    const { commit, seen } = commitOnto(new Map([[stored.value.id, stored]]), onto(stored.value.id));
    const outcome = await commitPlacements(ctx, ['t1', 't2'], commit);
    expect(outcome).toEqual({ unplaced: [], conflicts: 0 });
    expect(seen.committed).toEqual([[stored.value.id, ['t1', 't2']]]);
    const now = await read(stored.value);
    expect(Object.keys(now?.assignments ?? {}).sort()).toEqual(['t1', 't2']);
    expect(now?.generation).toBe(stored.value.generation + 1);
  });

  it('plans a lost instance’s tasks again against the instance as it is now', async () => {
    const stored = await anInstanceStored();
    await behindItsBack(stored.value);
    const planned: number[] = [];
    const { commit, seen } = commitOnto(new Map([[stored.value.id, stored]]), async (pending, live) => {
      planned.push(live[0]?.heartbeatAt ?? -1);
      return onto(stored.value.id)(pending);
    });
    const outcome = await commitPlacements(ctx, ['t1'], commit);
    expect(outcome).toEqual({ unplaced: [], conflicts: 1 });
    expect(planned).toEqual([stored.value.heartbeatAt, stored.value.heartbeatAt + 1]);
    expect(seen.committed).toEqual([[stored.value.id, ['t1']]]);
    expect((await read(stored.value))?.assignments.t1).toBeDefined();
  });

  it('hands back what lost every round, unwritten, after at most the round limit', async () => {
    const stored = await anInstanceStored();
    let rounds = 0;
    const { commit, seen } = commitOnto(new Map([[stored.value.id, stored]]), async (pending) => {
      rounds++;
      await behindItsBack(stored.value);
      return onto(stored.value.id)(pending);
    });
    const outcome = await commitPlacements(ctx, ['t1'], commit);
    expect(outcome).toEqual({ unplaced: ['t1'], conflicts: MAX_PLACEMENT_ROUNDS });
    expect(rounds).toBe(MAX_PLACEMENT_ROUNDS);
    expect(seen.committed).toEqual([]);
    expect((await read(stored.value))?.assignments).toEqual({});
  });

  it('hands the unplaceable to the caller and writes nothing for them', async () => {
    const stored = await anInstanceStored();
    const { commit, seen } = commitOnto(new Map([[stored.value.id, stored]]), async (pending) =>
      pending.map((): PlacementDecision => ({ kind: 'unplaceable', reasons: [], message: 'no room' })),
    );
    const outcome = await commitPlacements(ctx, ['t1'], commit);
    expect(outcome).toEqual({ unplaced: [], conflicts: 0 });
    expect(seen.unplaceable).toEqual(['t1']);
    expect((await read(stored.value))?.generation).toBe(stored.value.generation);
  });

  it('marks an assignment stopping and releases it, each raising the generation once', async () => {
    const stored = await anInstanceStored({ assignments: { t1: anAssignment('t1') } });
    const { clusterName, id, generation } = stored.value;
    await markAssignmentStopping(ctx, clusterName, id, 't1');
    await markAssignmentStopping(ctx, clusterName, id, 't1');
    expect(await read(stored.value)).toMatchObject({
      generation: generation + 1,
      assignments: { t1: { desiredStatus: 'STOPPED' } },
    });
    await releaseAssignment(ctx, clusterName, id, 't1');
    await releaseAssignment(ctx, clusterName, id, 't1');
    expect(await read(stored.value)).toMatchObject({ generation: generation + 2, assignments: {} });
  });
});
