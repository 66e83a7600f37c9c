import { describe, expect, it } from 'vitest';
import { buildFleet } from '#shared/scheduler/fleet.ts';
import { planPlacements } from '#shared/scheduler/pipeline.ts';
import { containerInstance, placementRequest, type InstanceSpec } from './fleet-fixtures.ts';

/** StartTask's placement: the named instance or ECS's reason why not, never another instance. */
describe('placement on a named instance', () => {
  const roomy = (spec: Partial<InstanceSpec> = {}) =>
    containerInstance({ id: 'named', cpu: 1024, memory: 1024, ...spec });

  it.each([
    ['fits', roomy(), { cpu: 256, memory: 256 }, undefined],
    ['lacks cpu', roomy({ cpu: 128 }), { cpu: 256, memory: 256 }, 'RESOURCE:CPU'],
    ['lacks memory', roomy({ memory: 128 }), { cpu: 128, memory: 256 }, 'RESOURCE:MEMORY'],
    ['holds the host port', roomy({ reservedPorts: [80] }), { cpu: 1, memory: 1, ports: [80] }, 'RESOURCE:PORTS'],
    ['is draining', roomy({ status: 'DRAINING' }), { cpu: 1, memory: 1 }, 'INACTIVE'],
    ['has no agent', roomy({ agentConnected: false }), { cpu: 1, memory: 1 }, 'AGENT'],
  ])('an instance that %s', (_, instance, demand, reason) => {
    // A second, empty instance the engine would happily choose: it must not be.
    const fleet = buildFleet([instance, containerInstance({ id: 'other', cpu: 8192, memory: 8192 })]);
    const [decision] = planPlacements([{ ...placementRequest(demand), instanceId: 'named' }], fleet);
    if (reason === undefined) expect(decision).toEqual({ kind: 'placed', instanceId: 'named' });
    else expect(decision).toMatchObject({ kind: 'unplaceable', reasons: [{ reason, instanceIds: ['named'] }] });
  });

  it('reserves as it goes: the second task on a one-task instance is refused', () => {
    const fleet = buildFleet([roomy({ memory: 300 })]);
    const ask = { ...placementRequest({ memory: 256, cpu: 1 }), instanceId: 'named' };
    const decisions = planPlacements([ask, { ...ask, taskId: 't2' }], fleet);
    expect(decisions.map((d) => d.kind)).toEqual(['placed', 'unplaceable']);
  });

  it('an instance gone from the fleet reads as INACTIVE', () => {
    const [decision] = planPlacements([{ ...placementRequest(), instanceId: 'gone' }], buildFleet([roomy()]));
    expect(decision).toMatchObject({ kind: 'unplaceable', reasons: [{ reason: 'INACTIVE' }] });
  });
});
