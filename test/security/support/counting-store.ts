import type { Store } from '#shared/ports/store.ts';

/**
 * A real store that also counts successful writes per collection, so a test
 * can tell audit records (expected for a refused call) from anything else
 * (which a refused call must never write). It delegates every call.
 */
export type CountingStore = Store & {
  writesTo(collection: string): number;
  writesExcept(...collections: string[]): number;
};

export function countingStore(store: Store): CountingStore {
  const writes = new Map<string, number>();
  const count = (name: string) => writes.set(name, (writes.get(name) ?? 0) + 1);
  return {
    get stats() {
      return store.stats;
    },
    get: (collection, key) => store.get(collection, key),
    getMany: (collection, keys) => store.getMany(collection, keys),
    query: (collection, partition, options) => store.query(collection, partition, options),
    async create(collection, value, options) {
      const written = await store.create(collection, value, options);
      count(collection.name);
      return written;
    },
    async replace(collection, value, expected, options) {
      const written = await store.replace(collection, value, expected, options);
      count(collection.name);
      return written;
    },
    async tryCreate(collection, value, options) {
      const outcome = await store.tryCreate(collection, value, options);
      if (outcome.written) count(collection.name);
      return outcome;
    },
    async tryReplace(collection, value, expected, options) {
      const outcome = await store.tryReplace(collection, value, expected, options);
      if (outcome.written) count(collection.name);
      return outcome;
    },
    async delete(collection, key, expected) {
      await store.delete(collection, key, expected);
      count(collection.name);
    },
    async tryDelete(collection, key, expected) {
      const outcome = await store.tryDelete(collection, key, expected);
      if (outcome.deleted) count(collection.name);
      return outcome;
    },
    writesTo: (name) => writes.get(name) ?? 0,
    writesExcept: (...names) =>
      [...writes].filter(([name]) => !names.includes(name)).reduce((sum, [, n]) => sum + n, 0),
  };
}
