import type { CandidateInstance } from '../fleet.ts';

/** A total order on instances: negative if `a` comes first. Must never return 0 for two instances. */
export type InstanceOrder = (a: CandidateInstance, b: CandidateInstance) => number;

/**
 * Instances kept sorted by an order read from their live state. Updates are
 * remove-before-change, insert-after-change: the position of an instance is
 * found by binary search, which needs the state the array was sorted by.
 * A splice on a few thousand entries is a memmove of a few microseconds,
 * far less than the tree it would take to beat it at this size.
 */
export class SortedMembers {
  readonly items: CandidateInstance[];
  private readonly order: InstanceOrder;

  constructor(members: CandidateInstance[], order: InstanceOrder) {
    this.order = order;
    this.items = members.sort(order);
  }

  insert(instance: CandidateInstance): void {
    this.items.splice(
      this.firstAfter((item) => this.order(item, instance) < 0),
      0,
      instance,
    );
  }

  remove(instance: CandidateInstance): void {
    const at = this.firstAfter((item) => this.order(item, instance) < 0);
    if (this.items[at] !== instance) throw new Error(`index lost track of instance ${instance.id}`);
    this.items.splice(at, 1);
  }

  /** First position whose item is not before the bound; `before` must hold for a prefix only. */
  firstAfter(before: (item: CandidateInstance) => boolean): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(this.items[middle]!)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
