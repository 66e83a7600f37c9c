import { tasksOfGroup, type CandidateInstance, type Fleet } from '../fleet.ts';
import { takesWork } from '../filters/status.ts';
import { seededRandom } from '../prng.ts';
import { spreadValue } from '../scorers/spread.ts';
import type { IndexShape, LocalOrder } from './index-shape.ts';
import { SortedMembers, type InstanceOrder } from './sorted-members.ts';

/** The members with one combination of spread-attribute values, best first. */
export interface Bucket {
  /** One value per spread attribute, in the shape's order. */
  readonly values: readonly string[];
  readonly members: SortedMembers;
}

/**
 * The instances a shape could ever use, bucketed and sorted.
 *
 * Status and static memberOf answers cannot change during a plan (only
 * reservations happen), so they are tested once here and an instance that
 * fails them is simply not a member. Within a bucket, members are ordered
 * by the shape's local strategies, best first, and last by a rank drawn once
 * from the seed, which stands in for the reference's random tie-break: the
 * first member that passes the per-task tests is then a best choice.
 */
export class ShapeIndex {
  readonly shape: IndexShape;
  readonly buckets: Bucket[] = [];
  /** Best first; the first member of a bucket that fits is the bucket's best choice. */
  readonly order: InstanceOrder;
  private readonly bucketOf: (Bucket | undefined)[];

  constructor(fleet: Fleet, shape: IndexShape, seed: number) {
    this.shape = shape;
    this.bucketOf = new Array<Bucket | undefined>(fleet.instances.length);
    const order = instanceOrder(shape.localOrders, shape.group, tieRanks(fleet.instances.length, seed));
    this.order = order;
    const grouped = new Map<string, { values: string[]; members: CandidateInstance[] }>();
    for (const instance of fleet.instances) {
      if (!takesWork(instance) || !shape.staticExpressions.every((e) => e.matches(instance))) continue;
      const values = shape.spreadAttributes.map((attribute) => spreadValue(instance, attribute));
      const key = JSON.stringify(values);
      const entry = grouped.get(key) ?? { values, members: [] };
      entry.members.push(instance);
      grouped.set(key, entry);
    }
    for (const { values, members } of grouped.values()) {
      const bucket: Bucket = { values, members: new SortedMembers(members, order) };
      this.buckets.push(bucket);
      for (const member of members) this.bucketOf[member.ordinal] = bucket;
    }
  }

  beforeReserve(instance: CandidateInstance): void {
    this.bucketOf[instance.ordinal]?.members.remove(instance);
  }

  afterReserve(instance: CandidateInstance): void {
    this.bucketOf[instance.ordinal]?.members.insert(instance);
  }
}

/** A seeded permutation of 0..n-1: the tie-break rank of each instance by ordinal. */
function tieRanks(n: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) ranks[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = ranks[i]!;
    ranks[i] = ranks[j]!;
    ranks[j] = swap;
  }
  return ranks;
}

function instanceOrder(orders: readonly LocalOrder[], group: string | undefined, ranks: Int32Array): InstanceOrder {
  const keys = orders.map((order): ((i: CandidateInstance) => number) => {
    if (order.kind === 'group-tasks') return (i) => tasksOfGroup(i, group);
    return order.field === 'cpu' ? (i) => i.remainingCpu : (i) => i.remainingMemory;
  });
  return (a, b) => {
    for (const key of keys) {
      const difference = key(a) - key(b);
      if (difference !== 0) return difference;
    }
    return ranks[a.ordinal]! - ranks[b.ordinal]!;
  };
}
