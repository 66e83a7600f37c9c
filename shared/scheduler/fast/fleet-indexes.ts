import type { CandidateInstance, Fleet, FleetObserver } from '../fleet.ts';
import { countByValue, spreadValue } from '../scorers/spread.ts';
import type { IndexShape } from './index-shape.ts';
import { ShapeIndex } from './shape-index.ts';

/** Tasks of one group per value of one attribute, over the whole fleet, kept current. */
class SpreadCounts {
  readonly attribute: string;
  readonly group: string | undefined;
  readonly counts: Map<string, number>;

  constructor(fleet: Fleet, attribute: string, group: string | undefined) {
    this.attribute = attribute;
    this.group = group;
    this.counts = countByValue(fleet, attribute, group);
  }

  afterReserve(instance: CandidateInstance, group: string | undefined): void {
    // Without a group every task counts (see tasksOfGroup).
    if (this.group !== undefined && this.group !== group) return;
    const value = spreadValue(instance, this.attribute);
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }
}

/**
 * The indexes built over one fleet snapshot, created on first use and kept
 * current by observing its reservations. Held beside the fleet, not in it,
 * so the fleet stays plain data and the reference path never sees them.
 */
export class FleetIndexes implements FleetObserver {
  private readonly fleet: Fleet;
  private readonly indexes = new Map<string, ShapeIndex>();
  private readonly spreadCounts = new Map<string, SpreadCounts>();

  constructor(fleet: Fleet) {
    this.fleet = fleet;
  }

  indexFor(shape: IndexShape, seed: number): ShapeIndex {
    let index = this.indexes.get(shape.key);
    if (index === undefined) {
      index = new ShapeIndex(this.fleet, shape, seed);
      this.indexes.set(shape.key, index);
    }
    return index;
  }

  countsFor(attribute: string, group: string | undefined): ReadonlyMap<string, number> {
    const key = JSON.stringify([attribute, group ?? null]);
    let counts = this.spreadCounts.get(key);
    if (counts === undefined) {
      counts = new SpreadCounts(this.fleet, attribute, group);
      this.spreadCounts.set(key, counts);
    }
    return counts.counts;
  }

  beforeReserve(instance: CandidateInstance): void {
    for (const index of this.indexes.values()) index.beforeReserve(instance);
  }

  afterReserve(instance: CandidateInstance, group: string | undefined): void {
    for (const index of this.indexes.values()) index.afterReserve(instance);
    for (const counts of this.spreadCounts.values()) counts.afterReserve(instance, group);
  }
}

const byFleet = new WeakMap<Fleet, FleetIndexes>();

export function fleetIndexes(fleet: Fleet): FleetIndexes {
  let indexes = byFleet.get(fleet);
  if (indexes === undefined) {
    indexes = new FleetIndexes(fleet);
    byFleet.set(fleet, indexes);
    fleet.observers.add(indexes);
  }
  return indexes;
}
