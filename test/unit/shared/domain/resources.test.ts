import { describe, expect, it } from 'vitest';
import { ClientError, InvalidParameterError } from '#shared/domain/errors.ts';
import { parseCpu, parseMemory, taskDemand, validateTaskDefinition } from '#shared/domain/resources.ts';
import type { RegisterTaskDefinitionRequest } from '#shared/schemas/task-definition.ts';

const web: RegisterTaskDefinitionRequest = {
  family: 'web',
  containerDefinitions: [
    { name: 'app', image: 'app:1', cpu: 256, memory: 512, portMappings: [{ containerPort: 80, hostPort: 8080 }] },
    { name: 'sidecar', image: 'side:1', memoryReservation: 64, portMappings: [{ containerPort: 9000, hostPort: 0 }] },
  ],
};

describe('resources', () => {
  it.each([
    ['1024', 1024],
    ['1 vCPU', 1024],
    ['0.25 vcpu', 256],
    ['2vCPU', 2048],
  ])('parses cpu %s', (text, units) => expect(parseCpu(text)).toBe(units));

  it.each(['', 'lots', '-1', '1.5'])('refuses cpu %j', (text) =>
    expect(() => parseCpu(text)).toThrow(InvalidParameterError),
  );

  it.each([
    ['512', 512],
    ['1 GB', 1024],
    ['0.5gb', 512],
  ])('parses memory %s', (text, mib) => expect(parseMemory(text)).toBe(mib));

  it.each(['3', 'big', '1 TB'])('refuses memory %j', (text) =>
    expect(() => parseMemory(text)).toThrow(InvalidParameterError),
  );

  it('sums container reservations and collects static host ports only', () => {
    expect(taskDemand(web, {})).toEqual({ cpu: 256, memory: 576, ports: [8080], portsUdp: [] });
  });

  it('lets task-level values and overrides win', () => {
    expect(taskDemand({ ...web, cpu: '1 vCPU', memory: '1 GB' }, {})).toMatchObject({ cpu: 1024, memory: 1024 });
    expect(taskDemand(web, { containerOverrides: [{ name: 'app', memory: 1000 }] })).toMatchObject({ memory: 1064 });
  });

  it('in host mode binds the container port on the host', () => {
    const host = {
      ...web,
      networkMode: 'host' as const,
      containerDefinitions: [
        { name: 'a', image: 'a', memory: 6, portMappings: [{ containerPort: 53, protocol: 'udp' as const }] },
      ],
    };
    expect(taskDemand(host, {})).toMatchObject({ ports: [], portsUdp: [53] });
  });

  it.each<[string, RegisterTaskDefinitionRequest, RegExp]>([
    ['no memory anywhere', { family: 'f', containerDefinitions: [{ name: 'a', image: 'a' }] }, /memory/],
    [
      'duplicate names',
      {
        family: 'f',
        containerDefinitions: [
          { name: 'a', image: 'a', memory: 8 },
          { name: 'a', image: 'b', memory: 8 },
        ],
      },
      /unique/,
    ],
    [
      'no essential container',
      { family: 'f', containerDefinitions: [{ name: 'a', image: 'a', memory: 8, essential: false }] },
      /essential/,
    ],
    [
      'unknown dependency',
      {
        family: 'f',
        containerDefinitions: [
          { name: 'a', image: 'a', memory: 8, dependsOn: [{ containerName: 'b', condition: 'START' }] },
        ],
      },
      /unknown container/,
    ],
    [
      'host port twice',
      {
        family: 'f',
        containerDefinitions: [
          {
            name: 'a',
            image: 'a',
            memory: 8,
            portMappings: [
              { containerPort: 1, hostPort: 80 },
              { containerPort: 2, hostPort: 80 },
            ],
          },
        ],
      },
      /twice/,
    ],
    [
      'reservation above limit',
      { family: 'f', containerDefinitions: [{ name: 'a', image: 'a', memory: 8, memoryReservation: 9 }] },
      /must not exceed/,
    ],
    [
      'ports without a network',
      {
        family: 'f',
        networkMode: 'none',
        containerDefinitions: [{ name: 'a', image: 'a', memory: 8, portMappings: [{ containerPort: 1 }] }],
      },
      /networkMode none/,
    ],
  ])('refuses a task definition with %s', (_name, request, message) => {
    expect(() => validateTaskDefinition(request)).toThrow(message);
    expect(() => validateTaskDefinition(request)).toThrow(ClientError);
  });

  it('accepts awsvpc, whose ports take nothing from the host', () => {
    const request = {
      family: 'f',
      networkMode: 'awsvpc' as const,
      containerDefinitions: [{ name: 'a', image: 'a', memory: 8, portMappings: [{ containerPort: 80, hostPort: 80 }] }],
    };
    expect(() => validateTaskDefinition(request)).not.toThrow();
    expect(taskDemand(request, {})).toMatchObject({ ports: [], portsUdp: [] });
    expect(taskDemand({ ...request, networkMode: 'bridge' }, {})).toMatchObject({ ports: [80] });
  });
});
