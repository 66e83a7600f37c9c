import { describe, expect, it } from 'vitest';
import { ecsArchitecture, registrationRequest, type DiscoveryOptions } from '#agent/host/discovery.ts';
import type { RuntimeInfo } from '#shared/ports/container-runtime.ts';
import { registerInstanceRequest } from '#shared/schemas/agent-api.ts';

/** What a fake engine says about a fake two-core, 4 GiB host. */
const fakeEngineInfo: RuntimeInfo = {
  engineVersion: '20.10.24',
  apiVersion: '1.41',
  osType: 'linux',
  architecture: 'x86_64',
  cpus: 2,
  memoryBytes: 4 * 1024 * 1024 * 1024,
};

const options: DiscoveryOptions = {
  agentVersion: '0.1.0',
  reservedMemoryMiB: 256,
  reservedPorts: [8080, 22],
  reservedPortsUdp: [53],
  attributes: { stack: 'blue' },
};

describe('registrationRequest', () => {
  it('offers cores x 1024 cpu units and memory minus the reserve, and reserves the ECS ports', () => {
    const request = registrationRequest(fakeEngineInfo, undefined, options);
    expect(request.resources).toEqual({
      cpu: 2048,
      memory: 4096 - 256,
      reservedPorts: [22, 2375, 2376, 8080, 51678, 51679, 51680],
      reservedPortsUdp: [53],
    });
    expect(request).toMatchObject({ agentVersion: '0.1.0', dockerVersion: '20.10.24' });
    expect(registerInstanceRequest.safeParse(request).success).toBe(true);
  });

  it('names the host in the attributes ECS users filter on', () => {
    const attributes = Object.fromEntries(
      registrationRequest(fakeEngineInfo, undefined, options).attributes.map((a) => [a.name, a.value]),
    );
    expect(attributes).toMatchObject({
      'ecs.os-type': 'linux',
      'ecs.os-family': 'LINUX',
      'ecs.cpu-architecture': 'x86_64',
      'berth.agent-version': '0.1.0',
      'berth.docker-version': '20.10.24',
      stack: 'blue',
    });
    expect(attributes).not.toHaveProperty('ecs.instance-type');
  });

  it('adds the EC2 identity when there is one', () => {
    const request = registrationRequest(
      fakeEngineInfo,
      { instanceId: 'i-0abc', instanceType: 't3.small', availabilityZone: 'eu-west-1a', amiId: 'ami-1' },
      options,
    );
    expect(request.ec2InstanceId).toBe('i-0abc');
    expect(request.attributes).toEqual(
      expect.arrayContaining([
        { name: 'ecs.instance-type', value: 't3.small' },
        { name: 'ecs.availability-zone', value: 'eu-west-1a' },
        { name: 'ecs.ami-id', value: 'ami-1' },
      ]),
    );
  });

  it('refuses a reserve that leaves no memory', () => {
    expect(() => registrationRequest(fakeEngineInfo, undefined, { ...options, reservedMemoryMiB: 4096 })).toThrow(
      /leaves nothing/,
    );
  });

  it.each([
    ['x86_64', 'x86_64'],
    ['aarch64', 'arm64'],
    ['riscv64', 'riscv64'],
  ])('calls the %s architecture %s', (engine, ecs) => {
    expect(ecsArchitecture(engine)).toBe(ecs);
  });
});
