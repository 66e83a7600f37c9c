import type { Collection, Store, Versioned } from '../ports/store.ts';

export interface FilteredPage<T> {
  readonly items: Versioned<T>[];
  /** The sort key to continue after, when more items may follow. */
  readonly next?: string;
}

/**
 * One page of a partition, keeping only items that match. Reads as many
 * store pages as it takes to fill `limit` matches, and continues after the
 * last item it returned, so no item is skipped or repeated across pages.
 */
export async function listMatching<T>(
  store: Store,
  collection: Collection<T>,
  partition: string,
  options: { after?: string; limit: number; prefix?: string; descending?: boolean; match?: (value: T) => boolean },
): Promise<FilteredPage<T>> {
  const items: Versioned<T>[] = [];
  let cursor = options.after;
  for (;;) {
    const page = await store.query(collection, partition, {
      ...(cursor !== undefined && { after: cursor }),
      ...(options.prefix !== undefined && { prefix: options.prefix }),
      ...(options.descending === true && { descending: true }),
      limit: Math.max(options.limit * 2, 50),
    });
    for (const item of page.items) {
      if (options.match && !options.match(item.value)) continue;
      items.push(item);
      if (items.length === options.limit) {
        const last = collection.sortOf(item.value);
        const more = item !== page.items[page.items.length - 1] || page.lastSort !== undefined;
        return more ? { items, next: last } : { items };
      }
    }
    if (page.lastSort === undefined) return { items };
    cursor = page.lastSort;
  }
}

/** Every item of a partition (for reconciliation, which needs the whole picture). */
export async function readAll<T>(store: Store, collection: Collection<T>, partition: string): Promise<Versioned<T>[]> {
  const all: Versioned<T>[] = [];
  let after: string | undefined;
  do {
    const page = await store.query(collection, partition, { ...(after !== undefined && { after }), limit: 1000 });
    all.push(...page.items);
    after = page.lastSort;
  } while (after !== undefined);
  return all;
}

// Its home is update-with-retry.ts, beside the Store's tryReplace it is built on.
export { updateWithRetry } from './update-with-retry.ts';
