import { VersionConflictError } from '../domain/errors.ts';
import type { Collection, Key, Store, Versioned } from '../ports/store.ts';

export interface UpdateOptions<T> {
  /** Writes tried before giving up with a VersionConflictError; 8 by default. */
  readonly attempts?: number;
  readonly expiresAt?: (value: T) => number | undefined;
  /** Waits before the n-th retry (see conflict-pause.ts); none by default. */
  readonly pause?: (attempt: number) => Promise<void>;
}

/** The fault a writer reports when it lost every one of its attempts at an item. */
export function lostTooOften<T>(collection: Collection<T>, key: Key, attempts: number): VersionConflictError {
  return new VersionConflictError(
    `${collection.name} ${key.partition}/${key.sort} changed under ${attempts} attempts to write it`,
    { collection: collection.name, partition: key.partition, sort: key.sort },
  );
}

/**
 * Reads, changes and conditionally writes one item, retrying on the item that
 * won when another writer got there first. `change` returns undefined to
 * leave the item alone. Returns the stored result, or undefined if the item
 * is gone. Gives up with a VersionConflictError after `attempts` lost races:
 * an item that busy is a fault to report, not an outcome to hide.
 */
export async function updateWithRetry<T>(
  store: Store,
  collection: Collection<T>,
  key: Key,
  change: (current: T) => T | undefined,
  options: UpdateOptions<T> = {},
): Promise<Versioned<T> | undefined> {
  const attempts = options.attempts ?? 8;
  let current = await store.get(collection, key);
  for (let attempt = 1; ; attempt++) {
    if (!current) return undefined;
    const next = change(current.value);
    if (next === undefined) return current;
    const expiresAt = options.expiresAt?.(next);
    const outcome = await store.tryReplace(
      collection,
      next,
      current.version,
      expiresAt !== undefined ? { expiresAt } : {},
    );
    if (outcome.written) return outcome.item;
    if (attempt >= attempts) throw lostTooOften(collection, key, attempts);
    if (options.pause === undefined) {
      current = outcome.current;
    } else {
      // The winner seen before a pause may itself be stale after it.
      await options.pause(attempt);
      current = await store.get(collection, key);
    }
  }
}
