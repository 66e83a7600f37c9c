import type { Collection, Store, Versioned } from '../ports/store.ts';
import { VersionConflictError } from '../domain/errors.ts';

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
  options: { after?: string; limit: number; prefix?: string; match?: (value: T) => boolean },
): Promise<FilteredPage<T>> {
  const items: Versioned<T>[] = [];
  let cursor = options.after;
  for (;;) {
    const page = await store.query(collection, partition, {
      ...(cursor !== undefined && { after: cursor }),
      ...(options.prefix !== undefined && { prefix: options.prefix }),
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

/**
 * Reads, changes and conditionally writes one item, re-reading and retrying
 * when another writer got there first. `change` returns undefined to leave the
 * item alone. Returns the stored result, or undefined if the item is gone.
 */
export async function updateWithRetry<T>(
  store: Store,
  collection: Collection<T>,
  key: { partition: string; sort: string },
  change: (current: T) => T | undefined,
  options: {
    attempts?: number;
    expiresAt?: (value: T) => number | undefined;
    /** Waits before the n-th retry (see conflict-pause.ts); none by default. */
    pause?: (attempt: number) => Promise<void>;
  } = {},
): Promise<Versioned<T> | undefined> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    const current = await store.get(collection, key);
    if (!current) return undefined;
    const next = change(current.value);
    if (next === undefined) return current;
    try {
      const expiresAt = options.expiresAt?.(next);
      return await store.replace(collection, next, current.version, expiresAt !== undefined ? { expiresAt } : {});
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= attempts) throw error;
      await options.pause?.(attempt);
    }
  }
}
