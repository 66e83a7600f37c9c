import { describe, expect, it } from 'vitest';
import { splitByStrategy } from '#shared/scheduler/capacity-split.ts';

const count = (names: readonly string[]) =>
  names.reduce<Record<string, number>>((acc, n) => ({ ...acc, [n]: (acc[n] ?? 0) + 1 }), {});

describe('splitByStrategy', () => {
  const strategy = [
    { capacityProvider: 'a', base: 2, weight: 1 },
    { capacityProvider: 'b', weight: 3 },
  ];

  it('gives the base first, then shares by weight (base 2, weights 1:3)', () => {
    expect(splitByStrategy(strategy, 2)).toEqual(['a', 'a']);
    expect(count(splitByStrategy(strategy, 6))).toEqual({ a: 3, b: 3 });
    expect(count(splitByStrategy(strategy, 10))).toEqual({ a: 4, b: 6 });
    expect(count(splitByStrategy(strategy, 14))).toEqual({ a: 5, b: 9 });
  });

  it.each([
    [1, { a: 1 }],
    [3, { a: 2, b: 1 }],
    [5, { a: 3, b: 2 }],
    [6, { a: 3, b: 3 }],
  ])('places %i tasks as %o', (n, expected) => {
    expect(count(splitByStrategy(strategy, n))).toEqual(expected);
  });

  it('tops up from what a service already has, so the whole set follows the strategy', () => {
    const added = splitByStrategy(strategy, 4, { a: 2, b: 0 });
    expect(count(added)).toEqual({ a: 1, b: 3 });
    expect(count(splitByStrategy(strategy, 2, { a: 5 }))).toEqual({ b: 2 });
  });

  it('never picks a provider of weight 0 beyond its base, and places nothing when no weight remains', () => {
    const onlyBase = [
      { capacityProvider: 'a', base: 1, weight: 0 },
      { capacityProvider: 'b', weight: 1 },
    ];
    expect(splitByStrategy(onlyBase, 4)).toEqual(['a', 'b', 'b', 'b']);
    expect(splitByStrategy([{ capacityProvider: 'a', weight: 0 }], 3)).toEqual([]);
  });

  it('breaks ties by the order of the strategy', () => {
    const even = [
      { capacityProvider: 'x', weight: 1 },
      { capacityProvider: 'y', weight: 1 },
    ];
    expect(splitByStrategy(even, 4)).toEqual(['x', 'y', 'x', 'y']);
  });
});
