import type { Demand } from '#shared/domain/resources.ts';
import { cpuFits } from '../filters/cpu.ts';
import { isDistinct } from '../filters/distinct-instance.ts';
import { memoryFits } from '../filters/memory.ts';
import { portInUse } from '../filters/ports.ts';
import type { CandidateInstance, Fleet } from '../fleet.ts';
import { seededRandom } from '../prng.ts';
import type { PlacementRequest } from '../types.ts';
import { fleetIndexes } from './fleet-indexes.ts';
import { indexedPlanOf, type IndexedPlan, type IndexShape } from './index-shape.ts';
import type { Bucket, ShapeIndex } from './shape-index.ts';

type Fits = (instance: CandidateInstance) => boolean;

/**
 * The indexed search: an instance of the best score the reference
 * (`placeTask`) would find, or undefined when no instance fits or the
 * strategies are not of a shape the index covers. It never explains: the
 * caller asks the reference for that, so explanations stay exact.
 *
 * Buckets (one per combination of spread-attribute values) are ranked by how
 * many tasks of the group their values hold, which is the spread scores
 * read in order; the first tier with any instance that fits wins. Within a
 * tier, each bucket's first fitting member is its best, and the best of those
 * by the index order is the answer.
 */
export function findIndexed(request: PlacementRequest, fleet: Fleet): string | undefined {
  const plan = indexedPlanOf(request);
  if (plan === undefined) return undefined;
  const indexes = fleetIndexes(fleet);
  const index = indexes.indexFor(plan.shape, request.seed);
  const counts = plan.shape.spreadAttributes.map((attribute) => indexes.countsFor(attribute, request.group));
  const ranked = index.buckets
    .map((bucket) => ({ bucket, load: bucket.values.map((value, level) => counts[level]?.get(value) ?? 0) }))
    .sort((a, b) => compareLoads(a.load, b.load));
  const fits = fitsFor(request, plan);
  const random = seededRandom(request.seed);
  for (let start = 0; start < ranked.length;) {
    let end = start + 1;
    while (end < ranked.length && compareLoads(ranked[end]!.load, ranked[start]!.load) === 0) end += 1;
    const tier = ranked.slice(start, end).map((r) => r.bucket);
    const choice = plan.drawWithinTier ? drawFrom(tier, fits, random) : bestOf(tier, fits, index, request.demand);
    if (choice !== undefined) return choice.id;
    start = end;
  }
  return undefined;
}

function compareLoads(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The per-task tests of the filters, without building explanations. */
function fitsFor(request: PlacementRequest, plan: IndexedPlan): Fits {
  const { demand, group } = request;
  const hasPorts = demand.ports.length > 0 || demand.portsUdp.length > 0;
  return (instance) =>
    cpuFits(instance, demand) &&
    memoryFits(instance, demand) &&
    (!hasPorts || portInUse(instance, demand) === undefined) &&
    (!plan.distinctInstance || isDistinct(instance, group)) &&
    plan.dynamicExpressions.every((e) => e.matches(instance));
}

function bestOf(tier: readonly Bucket[], fits: Fits, index: ShapeIndex, demand: Demand): CandidateInstance | undefined {
  let best: CandidateInstance | undefined;
  for (const bucket of tier) {
    const candidate = firstFit(bucket, fits, index.shape, demand);
    if (candidate !== undefined && (best === undefined || index.order(candidate, best) < 0)) best = candidate;
  }
  return best;
}

/**
 * Members are sorted best first, so the first that fits is the best. When
 * the first order is binpack, members with less of the field than the task
 * needs form a prefix that binary search skips.
 */
function firstFit(bucket: Bucket, fits: Fits, shape: IndexShape, demand: Demand): CandidateInstance | undefined {
  const { items } = bucket.members;
  const first = shape.localOrders[0];
  let start = 0;
  if (first?.kind === 'remaining') {
    start =
      first.field === 'memory'
        ? bucket.members.firstAfter((i) => i.remainingMemory < demand.memory)
        : bucket.members.firstAfter((i) => i.remainingCpu < demand.cpu);
  }
  for (let k = start; k < items.length; k++) {
    const instance = items[k]!;
    if (fits(instance)) return instance;
  }
  return undefined;
}

/** Draws before scanning: with no local order every fitting member of the tier ties. */
const DRAWS = 8;

function drawFrom(tier: readonly Bucket[], fits: Fits, random: () => number): CandidateInstance | undefined {
  const offset = Math.floor(random() * tier.length);
  for (let b = 0; b < tier.length; b++) {
    const { items } = tier[(offset + b) % tier.length]!.members;
    if (items.length === 0) continue;
    for (let draw = 0; draw < DRAWS; draw++) {
      const instance = items[Math.floor(random() * items.length)]!;
      if (fits(instance)) return instance;
    }
    const from = Math.floor(random() * items.length);
    for (let k = 0; k < items.length; k++) {
      const instance = items[(from + k) % items.length]!;
      if (fits(instance)) return instance;
    }
  }
  return undefined;
}
