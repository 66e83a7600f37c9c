import { describe, expect, it } from 'vitest';
import { buildFleet } from '#shared/scheduler/fleet.ts';
import { placeTask, planPlacements, reserve } from '#shared/scheduler/pipeline.ts';
import type { PlacementDecision } from '#shared/scheduler/types.ts';
import { assignment, containerInstance, memberOf, placementRequest } from './fleet-fixtures.ts';

function placedOn(decision: PlacementDecision | undefined): string {
  if (decision?.kind !== 'placed') throw new Error(`not placed: ${JSON.stringify(decision)}`);
  return decision.instanceId;
}

describe('placeTask', () => {
  it('binpack on memory fills one instance before starting the next', () => {
    const fleet = buildFleet(['a', 'b', 'c'].map((id) => containerInstance({ id, cpu: 4096, memory: 2048 })));
    const requests = Array.from({ length: 8 }, (_, n) =>
      placementRequest({
        taskId: `t${n}`,
        memory: 512,
        cpu: 128,
        strategy: [{ type: 'binpack', field: 'memory' }],
        seed: n,
      }),
    );
    const placed = planPlacements(requests, fleet).map(placedOn);
    const first = placed[0];
    expect(placed.slice(0, 4)).toEqual([first, first, first, first]);
    expect(new Set(placed.slice(4)).size).toBe(1);
    expect(placed[4]).not.toBe(first);
  });

  it('binpack prefers the instance with the least memory left that still fits', () => {
    const fleet = buildFleet([
      containerInstance({ id: 'roomy', memory: 8192 }),
      containerInstance({ id: 'tight', memory: 1024 }),
      containerInstance({ id: 'too-small', memory: 256 }),
    ]);
    const request = placementRequest({ memory: 512, strategy: [{ type: 'binpack', field: 'memory' }] });
    expect(placedOn(placeTask(request, fleet))).toBe('tight');
  });

  it('counts one reason per instance, under the first filter that rejects it', () => {
    const fleet = buildFleet([
      containerInstance({ id: 'small-1', memory: 256 }),
      containerInstance({ id: 'small-2', memory: 256, cpu: 1 }),
      containerInstance({ id: 'draining', status: 'DRAINING', memory: 256 }),
      containerInstance({ id: 'lost', agentConnected: false }),
      containerInstance({ id: 'port', assignments: [assignment({ ports: [80] })] }),
      containerInstance({ id: 'c5', attributes: { 'ecs.instance-type': 'c5.large' } }),
    ]);
    const request = placementRequest({
      cpu: 128,
      memory: 512,
      ports: [80],
      constraints: [memberOf('attribute:ecs.instance-type =~ m5.*')],
    });
    const decision = placeTask(request, fleet);
    expect(decision).toEqual({
      kind: 'unplaceable',
      reasons: [
        { reason: 'RESOURCE:CPU', count: 1, instanceIds: ['small-2'], example: expect.stringContaining('small-2') },
        { reason: 'INACTIVE', count: 1, instanceIds: ['draining'], example: 'draining is DRAINING' },
        { reason: 'AGENT', count: 1, instanceIds: ['lost'], example: expect.any(String) },
        { reason: 'RESOURCE:MEMORY', count: 1, instanceIds: ['small-1'], example: expect.any(String) },
        { reason: 'RESOURCE:PORTS', count: 1, instanceIds: ['port'], example: 'port has TCP port 80 in use' },
        { reason: 'ATTRIBUTE', count: 1, instanceIds: ['c5'], example: expect.stringContaining('m5.*') },
      ].sort((a, b) => order(a.reason) - order(b.reason)),
      message:
        'No container instance met all requirements: 1 is not ACTIVE (INACTIVE), 1 has no connected agent (AGENT), ' +
        '1 lacked CPU (RESOURCE:CPU), 1 lacked memory (RESOURCE:MEMORY), 1 had a required host port in use ' +
        '(RESOURCE:PORTS), 1 did not match a memberOf constraint (ATTRIBUTE)',
    });
  });

  it('lists the most common reason first and at most ten instances per reason', () => {
    const fleet = buildFleet([
      ...Array.from({ length: 12 }, (_, n) => containerInstance({ id: `m${n}`, memory: 100 })),
      containerInstance({ id: 'off', status: 'INACTIVE' }),
    ]);
    const decision = placeTask(placementRequest({ memory: 512 }), fleet);
    if (decision.kind !== 'unplaceable') throw new Error('placed');
    expect(decision.reasons.map((r) => [r.reason, r.count, r.instanceIds.length])).toEqual([
      ['RESOURCE:MEMORY', 12, 10],
      ['INACTIVE', 1, 1],
    ]);
    expect(decision.message).toBe(
      'No container instance met all requirements: 12 lacked memory (RESOURCE:MEMORY), 1 is not ACTIVE (INACTIVE)',
    );
  });

  it('explains an empty cluster', () => {
    expect(placeTask(placementRequest(), buildFleet([]))).toEqual({
      kind: 'unplaceable',
      reasons: [],
      message: 'No container instances were found in the cluster',
    });
  });

  it('lets each later strategy break only the ties of the earlier ones', () => {
    const fleet = buildFleet([
      containerInstance({
        id: 'a-big',
        memory: 8192,
        attributes: { zone: 'a' },
        assignments: [assignment({ group: 'web' })],
      }),
      containerInstance({ id: 'b-big', memory: 8192, attributes: { zone: 'b' } }),
      containerInstance({ id: 'b-small', memory: 1024, attributes: { zone: 'b' } }),
      containerInstance({ id: 'a-tiny', memory: 600, attributes: { zone: 'a' } }),
    ]);
    const request = placementRequest({
      group: 'web',
      strategy: [
        { type: 'spread', field: 'attribute:zone' },
        { type: 'binpack', field: 'memory' },
      ],
    });
    expect(placedOn(placeTask(request, fleet))).toBe('b-small');
  });

  it('decides the same way for the same seed and may differ for another', () => {
    const fleet = buildFleet(Array.from({ length: 20 }, (_, n) => containerInstance({ id: `i${n}` })));
    const choice = (seed: number) => placedOn(placeTask(placementRequest({ seed }), fleet));
    expect(choice(7)).toBe(choice(7));
    expect(new Set(Array.from({ length: 30 }, (_, seed) => choice(seed))).size).toBeGreaterThan(5);
  });

  it('does not change the fleet', () => {
    const fleet = buildFleet([containerInstance({ id: 'a' })]);
    const before = JSON.stringify(fleet.instances, (_k, v: unknown) =>
      v instanceof Set || v instanceof Map ? [...v] : v,
    );
    placeTask(placementRequest({ ports: [80], group: 'g' }), fleet);
    expect(
      JSON.stringify(fleet.instances, (_k, v: unknown) => (v instanceof Set || v instanceof Map ? [...v] : v)),
    ).toBe(before);
    expect(fleet.revision).toBe(0);
  });
});

describe('reserve', () => {
  it('takes the demand off the instance and records the group', () => {
    const fleet = buildFleet([containerInstance({ id: 'a', cpu: 1024, memory: 1024 })]);
    reserve(fleet, 'a', placementRequest({ cpu: 256, memory: 512, ports: [80], portsUdp: [53], group: 'web' }));
    const a = fleet.byId.get('a');
    expect([a?.remainingCpu, a?.remainingMemory, a?.taskCount, a?.groupCounts.get('web')]).toEqual([768, 512, 1, 1]);
    expect(a?.usedPorts.has(80)).toBe(true);
    expect(a?.usedPortsUdp.has(53)).toBe(true);
    expect(fleet.revision).toBe(1);
  });

  it.each([
    ['too much memory', { memory: 2048 }],
    ['too much cpu', { cpu: 2048 }],
    ['a port in use', { ports: [22] }],
  ])('refuses to over-commit: %s', (_name, spec) => {
    const fleet = buildFleet([containerInstance({ id: 'a', cpu: 1024, memory: 1024, reservedPorts: [22] })]);
    expect(() => reserve(fleet, 'a', placementRequest(spec))).toThrow(/does not fit/);
  });

  it('refuses an unknown instance', () => {
    expect(() => reserve(buildFleet([]), 'nope', placementRequest())).toThrow(/no instance nope/);
  });
});

describe('planPlacements', () => {
  it('places in order, so later tasks see earlier ones, and explains the rest', () => {
    const fleet = buildFleet([containerInstance({ id: 'a', memory: 1024 })]);
    const decisions = planPlacements(
      [1, 2, 3].map((n) => placementRequest({ taskId: `t${n}`, memory: 512 })),
      fleet,
    );
    expect(decisions.map((d) => d.kind)).toEqual(['placed', 'placed', 'unplaceable']);
    expect(decisions[2]).toMatchObject({ reasons: [{ reason: 'RESOURCE:MEMORY', count: 1, instanceIds: ['a'] }] });
  });

  it('keeps a static port to one task per instance', () => {
    const fleet = buildFleet([containerInstance({ id: 'a' }), containerInstance({ id: 'b' })]);
    const decisions = planPlacements(
      [1, 2, 3].map((n) => placementRequest({ taskId: `t${n}`, ports: [80], memory: 1 })),
      fleet,
    );
    expect(decisions.slice(0, 2).map(placedOn).sort()).toEqual(['a', 'b']);
    expect(decisions[2]).toMatchObject({ kind: 'unplaceable', reasons: [{ reason: 'RESOURCE:PORTS', count: 2 }] });
  });
});

function order(reason: string): number {
  // All counts are 1 here, so the listing follows the filter order.
  return [
    'INACTIVE',
    'AGENT',
    'RESOURCE:CPU',
    'RESOURCE:MEMORY',
    'RESOURCE:PORTS',
    'DISTINCT_INSTANCE',
    'ATTRIBUTE',
  ].indexOf(reason);
}
