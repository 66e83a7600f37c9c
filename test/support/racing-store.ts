import type { Collection, Store } from '#shared/ports/store.ts';

/**
 * A store whose conditional writes to one collection lose races on demand:
 * before each of the next `races` creates or replaces (throwing or not), `interfere`
 * runs, as another writer landing between a caller's read and its write
 * would. Everything else goes straight to the real store.
 */
export function racingStore<T>(
  store: Store,
  collection: Collection<T>,
  races: number,
  interfere: () => Promise<void>,
): Store {
  let left = races;
  const race = async (target: Collection<unknown>) => {
    if (target !== (collection as Collection<unknown>) || left <= 0) return;
    left -= 1;
    await interfere();
  };
  return {
    ...store,
    get stats() {
      return store.stats;
    },
    async create(target, value, options) {
      await race(target as Collection<unknown>);
      return store.create(target, value, options);
    },
    async tryCreate(target, value, options) {
      await race(target as Collection<unknown>);
      return store.tryCreate(target, value, options);
    },
    async replace(target, value, expected, options) {
      await race(target as Collection<unknown>);
      return store.replace(target, value, expected, options);
    },
    async tryReplace(target, value, expected, options) {
      await race(target as Collection<unknown>);
      return store.tryReplace(target, value, expected, options);
    },
  };
}
