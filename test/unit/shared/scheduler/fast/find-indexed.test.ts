import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findIndexed } from '#shared/scheduler/fast/find-indexed.ts';
import { indexedPlanOf } from '#shared/scheduler/fast/index-shape.ts';
import { buildFleet, type Fleet } from '#shared/scheduler/fleet.ts';
import { filtersFor, placeTask, planPlacements } from '#shared/scheduler/pipeline.ts';
import { readStrategies } from '#shared/scheduler/placement-rules.ts';
import { scorersFor } from '#shared/scheduler/scoring.ts';
import type { PlacementRequest } from '#shared/scheduler/types.ts';
import { fleetArbitrary, fleetOf, requestsArbitrary } from '../fleet-arbitraries.ts';
import { containerInstance, placementRequest } from '../fleet-fixtures.ts';

/**
 * The scores the reference compares, up to the first random strategy: random
 * scores never tie, so nothing after one decides, and any instance is as good
 * as another under it.
 */
function decisiveScores(request: PlacementRequest, fleet: Fleet, instanceId: string): number[] {
  const rules = readStrategies(request.strategy);
  const firstRandom = rules.findIndex((r) => r.kind === 'random');
  const decisive = firstRandom < 0 ? rules : rules.slice(0, firstRandom);
  const instance = fleet.byId.get(instanceId);
  if (instance === undefined) throw new Error(instanceId);
  return scorersFor(request, decisive, fleet, () => 0).map((score) => score(instance));
}

describe('indexed fast path against the reference', () => {
  // Small fleets fill up and exercise explanations; roomy ones take long runs
  // of placements and exercise the indexes' upkeep.
  it.each([
    ['small fleets', fleetArbitrary],
    ['roomy fleets', fleetOf(20, 8)],
  ])(
    'on %s, picks an instance of equal score whenever the reference places, and none when it does not',
    (_name, fleets) => {
      fc.assert(
        fc.property(fleets, requestsArbitrary(undefined, 60), (instances, requests) => {
          const fleet = buildFleet(instances);
          for (const request of requests) {
            const reference = placeTask(request, fleet);
            const fast = findIndexed(request, fleet);
            if (reference.kind === 'unplaceable') {
              expect(fast).toBeUndefined();
            } else if (indexedPlanOf(request) !== undefined) {
              if (fast === undefined) throw new Error(`fast path found nothing for ${request.taskId}`);
              const instance = fleet.byId.get(fast);
              expect(filtersFor(request).every((f) => instance !== undefined && f(instance).ok)).toBe(true);
              expect(decisiveScores(request, fleet, fast)).toEqual(
                decisiveScores(request, fleet, reference.instanceId),
              );
            }
            // planPlacements is the fast path plus the reference's explanation.
            const [planned] = planPlacements([request], fleet);
            if (reference.kind === 'unplaceable') expect(planned).toEqual(reference);
            else expect(planned).toEqual({ kind: 'placed', instanceId: fast ?? reference.instanceId });
          }
        }),
        { numRuns: 200 },
      );
    },
  );

  it('covers the strategy shapes ECS users write, and leaves the rest to the reference', () => {
    const covered = (strategy: PlacementRequest['strategy']) =>
      indexedPlanOf(placementRequest({ strategy })) !== undefined;
    expect(covered([])).toBe(true);
    expect(covered([{ type: 'random' }])).toBe(true);
    expect(covered([{ type: 'binpack', field: 'memory' }])).toBe(true);
    expect(
      covered([
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'spread', field: 'instanceId' },
      ]),
    ).toBe(true);
    expect(
      covered([
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ]),
    ).toBe(true);
    expect(
      covered([
        { type: 'binpack', field: 'memory' },
        { type: 'spread', field: 'attribute:zone' },
      ]),
    ).toBe(false);
  });

  it('keeps its indexes current across reservations made through reserve', () => {
    const fleet = buildFleet(['a', 'b'].map((id) => containerInstance({ id, memory: 1024, attributes: { zone: id } })));
    const request = (n: number) =>
      placementRequest({
        taskId: `t${n}`,
        memory: 256,
        group: 'web',
        strategy: [
          { type: 'spread', field: 'attribute:zone' },
          { type: 'binpack', field: 'memory' },
        ],
      });
    const zones = planPlacements([0, 1, 2, 3, 4, 5, 6, 7, 8].map(request), fleet).map((d) =>
      d.kind === 'placed' ? d.instanceId : 'none',
    );
    expect(zones.slice(0, 8).sort()).toEqual(['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
    expect(zones[8]).toBe('none');
  });
});
