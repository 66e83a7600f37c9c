import { describe, expect, it } from 'vitest';
import { buildFleet } from '#shared/scheduler/fleet.ts';
import { assignment, containerInstance } from './fleet-fixtures.ts';

describe('buildFleet', () => {
  const fleet = buildFleet([
    containerInstance({
      id: 'a',
      cpu: 4096,
      memory: 8192,
      reservedPorts: [22, 2375],
      reservedPortsUdp: [53],
      attributes: { 'ecs.availability-zone': 'us-east-1a', 'ecs.capability.foo': undefined },
      assignments: [
        assignment({ cpu: 512, memory: 1024, ports: [80], group: 'service:web' }),
        assignment({ cpu: 256, memory: 256, portsUdp: [514], group: 'service:web' }),
        assignment({ cpu: 1024, memory: 2048, ports: [8080], group: 'service:old', desiredStatus: 'STOPPED' }),
      ],
    }),
    containerInstance({ id: 'b' }),
  ]);
  const a = fleet.byId.get('a');

  it('subtracts every assignment still holding its reservation, STOPPED-desired ones included', () => {
    expect(a?.remainingCpu).toBe(4096 - 512 - 256 - 1024);
    expect(a?.remainingMemory).toBe(8192 - 1024 - 256 - 2048);
  });

  it('takes the host-reserved ports and every assignment port, by protocol', () => {
    expect([...(a?.usedPorts ?? [])].sort((x, y) => x - y)).toEqual([22, 80, 2375, 8080]);
    expect([...(a?.usedPortsUdp ?? [])].sort((x, y) => x - y)).toEqual([53, 514]);
  });

  it('counts tasks and groups only among assignments desired RUNNING', () => {
    expect(a?.taskCount).toBe(2);
    expect(Object.fromEntries(a?.groupCounts ?? [])).toEqual({ 'service:web': 2 });
  });

  it('keeps attributes without a value as present', () => {
    expect(a?.attributes.has('ecs.capability.foo')).toBe(true);
    expect(a?.attributes.get('ecs.availability-zone')).toBe('us-east-1a');
  });

  it('indexes instances by id and by position', () => {
    expect(fleet.instances.map((i) => [i.id, i.ordinal])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(fleet.byId.get('b')?.remainingMemory).toBe(4096);
  });
});
