import { containerInstances } from '../domain/collections.ts';
import type { Store, Versioned } from '../ports/store.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import { buildFleet } from '../scheduler/fleet.ts';
import { planPlacements } from '../scheduler/pipeline.ts';
import type { PlacementDecision, PlacementRequest } from '../scheduler/types.ts';
import type { ControlContext } from './context.ts';
import { readAll } from './listing.ts';
import { commitPlacements, type NewAssignment } from './assignments.ts';

/**
 * RunTask's placement, done in the request rather than by a scheduler pass:
 * the tasks are planned against a remembered view of the cluster's fleet and
 * committed as one conditional write per chosen instance. Callers that
 * arrive while a commit is in flight are planned together in the next one
 * (group commit), so under load one instance write carries many callers'
 * tasks and the fleet is never read per call.
 *
 * The view may be stale (another process wrote an instance): a write on a
 * stale version fails its condition, that one instance is read again, and
 * only its tasks are planned again. Capacity is therefore never
 * over-committed; a stale view can only miss capacity, which is why a plan
 * with unplaceable tasks reads the fleet afresh before it answers so.
 */
export type DirectDecision =
  | PlacementDecision
  /** Lost races for every round: left to the scheduler. */
  | { readonly kind: 'deferred' };

export interface DirectPlacement {
  readonly decisions: DirectDecision[];
  /** Instances the plan could use (registered and not INACTIVE). */
  readonly liveInstances: number;
}

export interface PlacementAsk {
  readonly request: PlacementRequest;
  /** The assignment to write, but for the times the commit sets. */
  readonly assignment: NewAssignment;
}

/** How long a fleet view is trusted before a batch reads it again. */
const VIEW_TTL_MS = 2_000;
/** Callers per commit; more wait for the next one. */
const MAX_CALLS_PER_BATCH = 100;

interface Waiter {
  readonly asks: readonly PlacementAsk[];
  resolve(placement: DirectPlacement): void;
  reject(error: unknown): void;
}

interface ClusterPlacer {
  view?: { readonly instances: Map<string, Versioned<ContainerInstance>>; readonly readAt: number };
  readonly queue: Waiter[];
  running: boolean;
}

/** Per store (one deployment), per cluster. */
const placers = new WeakMap<Store, Map<string, ClusterPlacer>>();

function placerFor(store: Store, cluster: string): ClusterPlacer {
  let byCluster = placers.get(store);
  if (!byCluster) placers.set(store, (byCluster = new Map()));
  let placer = byCluster.get(cluster);
  if (!placer) byCluster.set(cluster, (placer = { queue: [], running: false }));
  return placer;
}

export function placeDirectly(
  ctx: ControlContext,
  cluster: string,
  asks: readonly PlacementAsk[],
): Promise<DirectPlacement> {
  const placer = placerFor(ctx.store, cluster);
  return new Promise((resolve, reject) => {
    placer.queue.push({ asks, resolve, reject });
    if (!placer.running) void drain(ctx, cluster, placer);
  });
}

/**
 * Forgets the remembered fleet of a cluster, for changes this process made
 * that a plan must see at once (a registration, new attributes, a drain).
 */
export function fleetChanged(ctx: ControlContext, cluster: string): void {
  const placer = placers.get(ctx.store)?.get(cluster);
  if (placer) placer.view = undefined;
}

async function drain(ctx: ControlContext, cluster: string, placer: ClusterPlacer): Promise<void> {
  placer.running = true;
  try {
    while (placer.queue.length > 0) {
      const batch = placer.queue.splice(0, MAX_CALLS_PER_BATCH);
      try {
        const { decisions, liveInstances } = await commit(
          ctx,
          cluster,
          placer,
          batch.flatMap((w) => w.asks),
        );
        let offset = 0;
        for (const waiter of batch) {
          waiter.resolve({ decisions: decisions.slice(offset, offset + waiter.asks.length), liveInstances });
          offset += waiter.asks.length;
        }
      } catch (error) {
        placer.view = undefined;
        for (const waiter of batch) waiter.reject(error);
      }
    }
  } finally {
    placer.running = false;
  }
}

async function commit(
  ctx: ControlContext,
  cluster: string,
  placer: ClusterPlacer,
  asks: readonly PlacementAsk[],
): Promise<DirectPlacement> {
  const decisions: DirectDecision[] = asks.map(() => ({ kind: 'deferred' }));
  let view = placer.view;
  let fresh = false;
  const read = async () => {
    const items = await readAll(ctx.store, containerInstances, containerInstances.partition(cluster));
    view = { instances: new Map(items.map((i) => [i.value.id, i])), readAt: ctx.clock.now() };
    placer.view = view;
    fresh = true;
  };
  if (!view || ctx.clock.now() - view.readAt > VIEW_TTL_MS) await read();
  let liveInstances = 0;
  const ask = (index: number) => asks[index] as PlacementAsk;
  // Items are indexes into asks, so each decision lands in its caller's slot.
  await commitPlacements(
    ctx,
    asks.map((_, i) => i),
    {
      instances: () => (view as NonNullable<typeof view>).instances,
      plan: async (pending, live) => {
        liveInstances = live.length;
        const planned = planPlacements(
          pending.map((i) => ask(i).request),
          buildFleet(live),
        );
        if (fresh || !planned.some((d) => d.kind === 'unplaceable')) return planned;
        // The view may miss capacity given back since it was read.
        await read();
        return undefined;
      },
      assignment: (index) => ask(index).assignment,
      unplaceable: (index, decision) => {
        decisions[index] = decision;
      },
      committed: (instanceId, indexes) => {
        for (const index of indexes) decisions[index] = { kind: 'placed', instanceId };
      },
      concurrent: true,
    },
  );
  return { decisions, liveInstances };
}
