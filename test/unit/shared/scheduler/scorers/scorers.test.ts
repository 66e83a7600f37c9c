import { describe, expect, it } from 'vitest';
import type { Demand } from '#shared/domain/resources.ts';
import { buildFleet } from '#shared/scheduler/fleet.ts';
import { seededRandom } from '#shared/scheduler/prng.ts';
import { binpackScorer } from '#shared/scheduler/scorers/binpack.ts';
import { randomScorer } from '#shared/scheduler/scorers/random.ts';
import {
  NO_VALUE,
  countByValue,
  spreadAttributeScorer,
  spreadInstanceScorer,
} from '#shared/scheduler/scorers/spread.ts';
import { assignment, candidate, containerInstance } from '../fleet-fixtures.ts';

const demand: Demand = { cpu: 256, memory: 512, ports: [], portsUdp: [] };

describe('binpack scorer', () => {
  it.each<['cpu' | 'memory', number, number, number, number]>([
    // field, cpu free on A, memory free on A, cpu free on B, memory free on B: A always the tighter fit
    ['memory', 4096, 1024, 1024, 4096],
    ['cpu', 512, 4096, 4096, 512],
    ['memory', 1024, 512, 1024, 513],
  ])('by %s prefers the instance left with less of it', (field, cpuA, memoryA, cpuB, memoryB) => {
    const score = binpackScorer(field, demand);
    const a = score(candidate({ id: 'a', cpu: cpuA, memory: memoryA }));
    const b = score(candidate({ id: 'b', cpu: cpuB, memory: memoryB }));
    expect(a).toBeGreaterThan(b);
    for (const s of [a, b]) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it('ties exactly when the leftovers are equal', () => {
    const score = binpackScorer('memory', demand);
    expect(score(candidate({ id: 'a', memory: 2048, cpu: 100 }))).toBe(score(candidate({ id: 'b', memory: 2048 })));
  });

  it('scores a perfect fit 1', () => {
    expect(binpackScorer('memory', demand)(candidate({ id: 'a', memory: 512 }))).toBe(1);
  });
});

describe('spread scorers', () => {
  const fleet = buildFleet([
    containerInstance({
      id: 'a1',
      attributes: { zone: 'a' },
      assignments: [assignment({ group: 'web' }), assignment({ group: 'web' }), assignment({ group: 'db' })],
    }),
    containerInstance({ id: 'a2', attributes: { zone: 'a' } }),
    containerInstance({ id: 'b1', attributes: { zone: 'b' }, assignments: [assignment({ group: 'web' })] }),
    containerInstance({
      id: 'x1',
      status: 'DRAINING',
      attributes: { zone: 'c' },
      assignments: [assignment({ group: 'web' })],
    }),
    containerInstance({ id: 'n1' }),
    containerInstance({ id: 'n2', attributes: { zone: undefined } }),
  ]);
  const at = (id: string) => {
    const instance = fleet.byId.get(id);
    if (instance === undefined) throw new Error(id);
    return instance;
  };

  it.each<[string, string | undefined, number]>([
    ['a1', 'web', 1 / 3],
    ['a1', 'db', 1 / 2],
    ['a1', undefined, 1 / 4],
    ['a2', 'web', 1],
  ])('instanceId: %s for group %s scores %d', (id, group, expected) => {
    expect(spreadInstanceScorer(group)(at(id))).toBeCloseTo(expected, 12);
  });

  it('counts tasks of the group per attribute value over the whole fleet, inactive instances included', () => {
    expect(Object.fromEntries(countByValue(fleet, 'zone', 'web'))).toEqual({ a: 2, b: 1, c: 1, [NO_VALUE]: 0 });
  });

  it.each<[string, number]>([
    ['a1', 1 / 3],
    ['a2', 1 / 3],
    ['b1', 1 / 2],
    ['n1', 1],
    ['n2', 1],
  ])('attribute: %s scores %d, alike across its value', (id, expected) => {
    expect(spreadAttributeScorer(fleet, 'zone', 'web')(at(id))).toBeCloseTo(expected, 12);
  });
});

describe('random scorer', () => {
  it('draws from the seeded generator in [0, 1), the same for the same seed', () => {
    const instance = candidate({ id: 'a' });
    const first = randomScorer(seededRandom(42));
    const second = randomScorer(seededRandom(42));
    const draws = Array.from({ length: 50 }, () => first(instance));
    expect(Array.from({ length: 50 }, () => second(instance))).toEqual(draws);
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(45);
  });
});
