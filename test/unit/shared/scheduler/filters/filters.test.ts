import { gpuFilter } from '#shared/scheduler/filters/gpu.ts';
import { describe, expect, it } from 'vitest';
import type { Demand } from '#shared/domain/resources.ts';
import { cpuFilter } from '#shared/scheduler/filters/cpu.ts';
import { distinctInstanceFilter } from '#shared/scheduler/filters/distinct-instance.ts';
import { memberOfFilter } from '#shared/scheduler/filters/member-of.ts';
import { memoryFilter } from '#shared/scheduler/filters/memory.ts';
import { portsFilter } from '#shared/scheduler/filters/ports.ts';
import { statusFilter } from '#shared/scheduler/filters/status.ts';
import { compileExpression } from '#shared/scheduler/query/compile.ts';
import type { FilterResult, PlacementReason } from '#shared/scheduler/types.ts';
import { assignment, candidate, type InstanceSpec } from '../fleet-fixtures.ts';

function demand(spec: Partial<Demand>): Demand {
  return { cpu: 0, memory: 0, ports: [], portsUdp: [], ...spec };
}

function outcome(result: FilterResult): PlacementReason | 'ok' {
  return result.ok ? 'ok' : result.reason;
}

describe('status filter', () => {
  it.each<[string, InstanceSpec, PlacementReason | 'ok']>([
    ['ACTIVE and connected', { id: 'i' }, 'ok'],
    ['DRAINING', { id: 'i', status: 'DRAINING' }, 'INACTIVE'],
    ['INACTIVE', { id: 'i', status: 'INACTIVE' }, 'INACTIVE'],
    ['REGISTERING', { id: 'i', status: 'REGISTERING' }, 'INACTIVE'],
    ['ACTIVE, agent disconnected', { id: 'i', agentConnected: false }, 'AGENT'],
    [
      'DRAINING and disconnected: status comes first',
      { id: 'i', status: 'DRAINING', agentConnected: false },
      'INACTIVE',
    ],
  ])('%s', (_name, spec, expected) => {
    expect(outcome(statusFilter(candidate(spec)))).toBe(expected);
  });
});

describe('cpu and memory filters', () => {
  const used = { id: 'i', cpu: 1024, memory: 2048, assignments: [assignment({ cpu: 512, memory: 1024 })] };
  it.each<[string, Demand, PlacementReason | 'ok', PlacementReason | 'ok']>([
    ['fits with room to spare', demand({ cpu: 256, memory: 512 }), 'ok', 'ok'],
    ['fits exactly', demand({ cpu: 512, memory: 1024 }), 'ok', 'ok'],
    ['one unit too much cpu', demand({ cpu: 513, memory: 1 }), 'RESOURCE:CPU', 'ok'],
    ['one MiB too much memory', demand({ cpu: 1, memory: 1025 }), 'ok', 'RESOURCE:MEMORY'],
    ['a task that asks for nothing', demand({}), 'ok', 'ok'],
  ])('%s', (_name, d, cpuExpected, memoryExpected) => {
    const instance = candidate(used);
    expect(outcome(cpuFilter(d)(instance))).toBe(cpuExpected);
    expect(outcome(memoryFilter(d)(instance))).toBe(memoryExpected);
  });

  it('says how much is free and how much is needed', () => {
    const result = memoryFilter(demand({ memory: 4096 }))(candidate(used));
    expect(result).toEqual({
      ok: false,
      reason: 'RESOURCE:MEMORY',
      detail: 'i has 1024 MiB free, the task needs 4096',
    });
  });
});

describe('ports filter', () => {
  const spec: InstanceSpec = {
    id: 'i',
    reservedPorts: [22],
    assignments: [assignment({ ports: [80], portsUdp: [53] })],
  };
  it.each<[string, Partial<Demand>, PlacementReason | 'ok']>([
    ['no static ports', {}, 'ok'],
    ['a free TCP port', { ports: [8080] }, 'ok'],
    ['a TCP port another task holds', { ports: [8080, 80] }, 'RESOURCE:PORTS'],
    ['a TCP port the host reserves', { ports: [22] }, 'RESOURCE:PORTS'],
    ['TCP 53 while only UDP 53 is taken', { ports: [53] }, 'ok'],
    ['UDP 80 while only TCP 80 is taken', { portsUdp: [80] }, 'ok'],
    ['a UDP port another task holds', { portsUdp: [53] }, 'RESOURCE:PORTS'],
  ])('%s', (_name, d, expected) => {
    expect(outcome(portsFilter(demand(d))(candidate(spec)))).toBe(expected);
  });
});

describe('distinctInstance filter', () => {
  const spec: InstanceSpec = {
    id: 'i',
    assignments: [
      assignment({ group: 'service:web' }),
      assignment({ group: 'service:gone', desiredStatus: 'STOPPED' }),
    ],
  };
  it.each<[string, InstanceSpec, string | undefined, PlacementReason | 'ok']>([
    ['a task of the group runs there', spec, 'service:web', 'DISTINCT_INSTANCE'],
    ['only other groups run there', spec, 'service:api', 'ok'],
    ['the group task there is being stopped', spec, 'service:gone', 'ok'],
    ['no group: any running task counts', spec, undefined, 'DISTINCT_INSTANCE'],
    ['no group on an empty instance', { id: 'i' }, undefined, 'ok'],
  ])('%s', (_name, instance, group, expected) => {
    expect(outcome(distinctInstanceFilter(group)(candidate(instance)))).toBe(expected);
  });
});

describe('memberOf filter', () => {
  const spec: InstanceSpec = { id: 'i', attributes: { 'ecs.instance-type': 'm5.large' } };
  it.each<[string, PlacementReason | 'ok']>([
    ['attribute:ecs.instance-type =~ m5.*', 'ok'],
    ['attribute:ecs.instance-type == c5.large', 'ATTRIBUTE'],
  ])('%s', (expression, expected) => {
    expect(outcome(memberOfFilter(compileExpression(expression))(candidate(spec)))).toBe(expected);
  });
});

describe('gpu filter', () => {
  it.each<[string, number | undefined, number, PlacementReason | 'ok']>([
    ['an instance without GPUs', undefined, 1, 'RESOURCE:GPU'],
    ['an instance with too few', 1, 2, 'RESOURCE:GPU'],
    ['an instance with enough', 4, 2, 'ok'],
  ])('%s', (_name, registeredGpus, gpus, expected) => {
    const instance = { ...candidate({ id: 'i' }), ...(registeredGpus ? { registeredGpus } : {}) };
    expect(outcome(gpuFilter(gpus)(instance))).toBe(expected);
  });
});
