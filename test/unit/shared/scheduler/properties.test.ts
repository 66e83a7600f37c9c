import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import { buildFleet, type Fleet } from '#shared/scheduler/fleet.ts';
import { filtersFor, placeTask, planPlacements, reserve } from '#shared/scheduler/pipeline.ts';
import type { PlacementDecision, PlacementRequest } from '#shared/scheduler/types.ts';
import { fleetArbitrary, requestArbitrary, requestsArbitrary } from './fleet-arbitraries.ts';
import { containerInstance, placementRequest } from './fleet-fixtures.ts';

function placedOn(decision: PlacementDecision | undefined): string | undefined {
  return decision?.kind === 'placed' ? decision.instanceId : undefined;
}

/** What each instance holds once the plan is applied, recounted from the raw items. */
function usageAfter(instance: ContainerInstance, placed: readonly PlacementRequest[]) {
  const assignments = Object.values(instance.assignments);
  const demands = [...assignments, ...placed.map((p) => p.demand)];
  return {
    cpu: demands.reduce((sum, x) => sum + x.cpu, 0),
    memory: demands.reduce((sum, x) => sum + x.memory, 0),
    // Generated fleets may already hold clashing ports; a placement must add none.
    tcpBefore: new Set([...instance.registered.ports, ...assignments.flatMap((a) => a.ports)]),
    udpBefore: new Set([...instance.registered.portsUdp, ...assignments.flatMap((a) => a.portsUdp)]),
    tcpPlaced: placed.flatMap((p) => p.demand.ports),
    udpPlaced: placed.flatMap((p) => p.demand.portsUdp),
  };
}

describe('placement invariants (property-based)', () => {
  it('never over-commits cpu, memory or a host port', () => {
    fc.assert(
      fc.property(fleetArbitrary, requestsArbitrary(), (instances, requests) => {
        const decisions = planPlacements(requests, buildFleet(instances));
        for (const instance of instances) {
          const placed = requests.filter((_, n) => placedOn(decisions[n]) === instance.id);
          if (placed.length === 0) continue;
          const usage = usageAfter(instance, placed);
          expect(usage.cpu).toBeLessThanOrEqual(instance.registered.cpu);
          expect(usage.memory).toBeLessThanOrEqual(instance.registered.memory);
          expect(usage.tcpPlaced.filter((p) => usage.tcpBefore.has(p))).toEqual([]);
          expect(usage.udpPlaced.filter((p) => usage.udpBefore.has(p))).toEqual([]);
          expect(new Set(usage.tcpPlaced).size).toBe(usage.tcpPlaced.length);
          expect(new Set(usage.udpPlaced).size).toBe(usage.udpPlaced.length);
        }
      }),
    );
  });

  it('never puts a distinctInstance task beside a running task of its group', () => {
    fc.assert(
      fc.property(fleetArbitrary, requestsArbitrary(), (instances, requests) => {
        const decisions = planPlacements(requests, buildFleet(instances));
        // Replayed from the raw items: groups of tasks that keep running, per instance.
        const running = new Map(
          instances.map((i) => [
            i.id,
            Object.values(i.assignments)
              .filter((a) => a.desiredStatus === 'RUNNING')
              .map((a) => a.group),
          ]),
        );
        requests.forEach((request, n) => {
          const id = placedOn(decisions[n]);
          if (id === undefined) return;
          const groups = running.get(id) ?? [];
          if (request.constraints.some((c) => c.type === 'distinctInstance')) {
            const clash =
              request.group === undefined ? groups.length : groups.filter((g) => g === request.group).length;
            expect(clash).toBe(0);
          }
          groups.push(request.group);
        });
      }),
    );
  });

  it('spreads a group over N zones with counts never more than one apart while capacity allows', () => {
    const zonedFleet = fc
      .record({
        zones: fc.integer({ min: 2, max: 5 }),
        perZone: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 5, maxLength: 5 }),
      })
      .map(({ zones, perZone }) =>
        Array.from({ length: zones }, (_, z) =>
          Array.from({ length: perZone[z] ?? 1 }, (_, k) =>
            containerInstance({ id: `z${z}-${k}`, cpu: 1 << 20, memory: 1 << 20, attributes: { zone: `zone-${z}` } }),
          ),
        ).flat(),
      );
    const spreadFirst = fc.constantFrom(
      [{ type: 'spread' as const, field: 'attribute:zone' }],
      [
        { type: 'spread' as const, field: 'attribute:zone' },
        { type: 'binpack' as const, field: 'memory' },
      ],
      [
        { type: 'spread' as const, field: 'attribute:zone' },
        { type: 'spread' as const, field: 'instanceId' },
      ],
    );
    fc.assert(
      fc.property(
        zonedFleet,
        spreadFirst,
        fc.integer({ min: 1, max: 60 }),
        fc.integer(),
        (instances, strategy, n, seed) => {
          const fleet = buildFleet(instances);
          const zoneOf = new Map(instances.map((i) => [i.id, i.attributes[0]?.value ?? '']));
          const perZone = new Map<string, number>([...new Set(zoneOf.values())].map((z) => [z, 0]));
          for (let t = 0; t < n; t++) {
            const request = placementRequest({
              taskId: `t${t}`,
              memory: 64,
              cpu: 64,
              group: 'web',
              strategy,
              seed: seed + t,
            });
            const id = placedOn(planPlacements([request], fleet)[0]);
            expect(id).toBeDefined();
            const zone = zoneOf.get(id ?? '') ?? '';
            perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
            const counts = [...perZone.values()];
            expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  /**
   * What binpack promises against first-fit, stated precisely.
   *
   * (a) Step by step: given the same fleet state, if a first-fit scan finds
   *     any instance that passes every filter, binpack places the task.
   *     This holds because scoring only orders the instances the filters
   *     accepted; it never rejects one.
   * (b) Over a whole sequence of identical tasks, binpack places exactly as
   *     many as first-fit. Every filter reads only the instance it judges, so
   *     an instance takes a fixed number of identical tasks whatever else is
   *     placed, and any algorithm that places whenever something fits (both
   *     do, by (a)) places min(n, sum of those numbers).
   *
   * For mixed sizes over a sequence no such promise holds, for best fit or
   * first fit: see the counterexample below.
   */
  it('binpack places a task whenever a first-fit scan would find an instance for it', () => {
    const binpack = fc.constantFrom(
      [{ type: 'binpack' as const, field: 'memory' }],
      [{ type: 'binpack' as const, field: 'cpu' }],
    );
    fc.assert(
      fc.property(fleetArbitrary, requestsArbitrary(binpack), (instances, requests) => {
        const fleet = buildFleet(instances);
        for (const request of requests) {
          const filters = filtersFor(request);
          const firstFit = fleet.instances.find((i) => filters.every((f) => f(i).ok));
          const decision = planPlacements([request], fleet)[0];
          expect(decision?.kind).toBe(firstFit === undefined ? 'unplaceable' : 'placed');
        }
      }),
    );
  });

  it('binpack places as many identical tasks as first-fit does', () => {
    const binpack = fc.constantFrom(
      [{ type: 'binpack' as const, field: 'memory' }],
      [{ type: 'binpack' as const, field: 'cpu' }],
    );
    fc.assert(
      fc.property(fleetArbitrary, requestArbitrary(binpack), fc.integer({ min: 1, max: 40 }), (instances, shape, n) => {
        const requests = Array.from({ length: n }, (_, t) => ({ ...shape, taskId: `t${t}` }));
        const packed = planPlacements(requests, buildFleet(instances)).filter((d) => d.kind === 'placed').length;
        expect(packed).toBe(firstFitCount(requests, buildFleet(instances)));
      }),
    );
  });

  it('binpack can place fewer mixed-size tasks than first-fit: the promise is per step only', () => {
    const instances = [
      containerInstance({ id: 'seven', memory: 7 * 1024 }),
      containerInstance({ id: 'six', memory: 6 * 1024 }),
    ];
    const requests = [4, 6, 3].map((gib, n) =>
      placementRequest({
        taskId: `t${n}`,
        cpu: 0,
        memory: gib * 1024,
        strategy: [{ type: 'binpack', field: 'memory' }],
      }),
    );
    expect(firstFitCount(requests, buildFleet(instances))).toBe(3);
    expect(planPlacements(requests, buildFleet(instances)).map((d) => d.kind)).toEqual([
      'placed',
      'placed',
      'unplaceable',
    ]);
  });

  it('decides the same way for the same seeds', () => {
    fc.assert(
      fc.property(fleetArbitrary, requestsArbitrary(), (instances, requests) => {
        expect(planPlacements(requests, buildFleet(instances))).toEqual(
          planPlacements(requests, buildFleet(instances)),
        );
        const fleet = buildFleet(instances);
        for (const request of requests) expect(placeTask(request, fleet)).toEqual(placeTask(request, fleet));
      }),
    );
  });
});

function firstFitCount(requests: readonly PlacementRequest[], fleet: Fleet): number {
  let placed = 0;
  for (const request of requests) {
    const filters = filtersFor(request);
    const target = fleet.instances.find((i) => filters.every((f) => f(i).ok));
    if (target === undefined) continue;
    reserve(fleet, target.id, request);
    placed += 1;
  }
  return placed;
}
