import { describe, expect, it } from 'vitest';
import { createDevLogStore } from '#functions/runtime/dev-log-store.ts';

describe("dev mode's log store", () => {
  it('keeps events in time order per stream, with rising ids', () => {
    const store = createDevLogStore({ now: () => 1_000 });
    store.put('g', 's', [
      { timestamp: 10, message: 'a' },
      { timestamp: 30, message: 'c' },
    ]);
    store.put('g', 's', [{ timestamp: 20, message: 'b' }]);
    expect(store.events('g', 's')?.map((e) => e.message)).toEqual(['a', 'b', 'c']);
    expect(store.streams('g')?.[0]).toMatchObject({ firstEventTimestamp: 10, lastEventTimestamp: 30 });
    expect(store.events('g', 'other')).toBeUndefined();
    expect(store.streams('none')).toBeUndefined();
  });

  it('drops events past the retention', () => {
    let now = 1_000;
    const store = createDevLogStore({ retentionMs: 500, now: () => now });
    store.put('g', 's', [{ timestamp: 900, message: 'old' }]);
    now = 1_500;
    store.put('g', 's', [{ timestamp: 1_500, message: 'new' }]);
    expect(store.events('g', 's')?.map((e) => e.message)).toEqual(['new']);
  });

  it('holds its size under the cap by dropping the oldest lines of the largest stream', () => {
    const store = createDevLogStore({ maxBytes: 1_000, now: () => 0 });
    store.put('quiet', 's', [{ timestamp: 0, message: 'keep' }]);
    store.put(
      'noisy',
      's',
      Array.from({ length: 100 }, (_, i) => ({ timestamp: i, message: `line ${i}` })),
    );
    const total = store.groups().reduce((sum, g) => sum + g.storedBytes, 0);
    expect(total).toBeLessThanOrEqual(1_000);
    expect(store.events('quiet', 's')?.map((e) => e.message)).toEqual(['keep']);
    expect(store.events('noisy', 's')?.at(-1)?.message).toBe('line 99');
  });

  it('wakes a waiter when its group takes events', async () => {
    const store = createDevLogStore();
    const woken = store.changed('g', 60_000);
    store.put('g', 's', [{ timestamp: 0, message: 'x' }]);
    await expect(woken).resolves.toBeUndefined();
  });
});
