import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFleet } from '#shared/scheduler/fleet.ts';
import { placeTask } from '#shared/scheduler/pipeline.ts';
import { compareScores } from '#shared/scheduler/scoring.ts';
import type { PlacementStrategy } from '#shared/schemas/task.ts';
import { Verdicts } from '#shared/scheduler/verdicts.ts';
import { fleetArbitrary, requestArbitrary } from './fleet-arbitraries.ts';
import { containerInstance, placementRequest } from './fleet-fixtures.ts';

describe('placeTask observed by Verdicts', () => {
  it('decides the same with an observer, which sees each instance once and agrees with the decision', () => {
    fc.assert(
      fc.property(fleetArbitrary, requestArbitrary(), (instances, partial) => {
        const request = { ...partial, taskId: 't0' };
        const unobserved = placeTask(request, buildFleet(instances));
        const verdicts = new Verdicts(request);
        const observed = placeTask(request, buildFleet(instances), verdicts);
        expect(observed).toEqual(unobserved);

        const rejected = [...verdicts.details.values()].flat().map((r) => r.id);
        const tallied = verdicts.tally.decision();
        const rejectedCount = tallied.kind === 'unplaceable' ? tallied.reasons.reduce((n, r) => n + r.count, 0) : 0;
        expect(rejectedCount + verdicts.scores.size).toBe(instances.length);
        for (const id of rejected) expect(verdicts.scores.has(id)).toBe(false);

        if (observed.kind === 'unplaceable') {
          expect(verdicts.scores.size).toBe(0);
          expect(tallied).toEqual(observed);
        } else {
          const chosen = verdicts.scores.get(observed.instanceId);
          expect(chosen).toBeDefined();
          // The chosen instance scores highest, unless a random draw took part: the
          // verdicts record draws as 0 (an explanation must not show them), so the
          // scores after a draw do not decide alone.
          const drawn = request.strategy.length === 0 || request.strategy.some((s) => s.type === 'random');
          if (!drawn)
            for (const scores of verdicts.scores.values())
              expect(compareScores(scores, chosen ?? [])).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it.each<{ case: string; strategy: PlacementStrategy[]; zeroAt: number[] }>([
    { case: 'no strategy (random)', strategy: [], zeroAt: [0] },
    { case: 'binpack then random', strategy: [{ type: 'binpack', field: 'memory' }, { type: 'random' }], zeroAt: [1] },
    { case: 'binpack alone', strategy: [{ type: 'binpack', field: 'memory' }], zeroAt: [] },
  ])('records random draws as 0 and real scores as scored: $case', ({ strategy, zeroAt }) => {
    const instances = [containerInstance({ id: 'a', memory: 1024 }), containerInstance({ id: 'b', memory: 4096 })];
    const request = placementRequest({ strategy, memory: 256 });
    const verdicts = new Verdicts(request);
    placeTask(request, buildFleet(instances), verdicts);
    expect([...verdicts.scores.keys()].sort()).toEqual(['a', 'b']);
    const a = verdicts.scores.get('a') ?? [];
    expect(a).toHaveLength(Math.max(strategy.length, 1));
    for (const i of zeroAt) expect(a[i]).toBe(0);
    if (zeroAt.length < a.length) expect(a[0]).not.toBe(verdicts.scores.get('b')?.[0]);
  });

  it('keeps each rejected instance’s own detail under its reason', () => {
    const instances = [
      containerInstance({ id: 'small', memory: 128 }),
      containerInstance({ id: 'gone', status: 'DRAINING' }),
      containerInstance({ id: 'fits', memory: 4096 }),
    ];
    const verdicts = new Verdicts(placementRequest({ memory: 512 }));
    placeTask(placementRequest({ memory: 512 }), buildFleet(instances), verdicts);
    expect(verdicts.details.get('RESOURCE:MEMORY')?.map((r) => r.id)).toEqual(['small']);
    expect(verdicts.details.get('INACTIVE')?.map((r) => r.id)).toEqual(['gone']);
    expect([...verdicts.scores.keys()]).toEqual(['fits']);
  });
});
