import fc from 'fast-check';
import { describe, it } from 'vitest';
import { containerDefinition as definitionCheck, taskSpec as specCheck } from '#agent/check/task-spec.ts';
import { taskSpec } from '#shared/schemas/agent-api.ts';
import { containerDefinition } from '#shared/schemas/task-definition.ts';
import { expectAgreement, junk, noisy, someOf } from './check-agreement.ts';
import { rawSpec } from '#test/unit/shared/agent/fixtures.ts';

/** As test/agent/hardening.test.ts and test/unit/shared/agent/container-config.test.ts send them. */
const hardened = {
  name: 'app',
  image: 'busybox',
  essential: true,
  command: ['sh', '-c', 'sleep 600'],
  linuxParameters: { initProcessEnabled: true, capabilities: { add: ['CAP_NET_ADMIN'], drop: ['MKNOD'] } },
  mountPoints: [{ sourceVolume: 'shared', containerPath: '/shared', readOnly: true }],
};

const everyField = {
  ...hardened,
  cpu: 256,
  memory: 128,
  memoryReservation: 64,
  portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp', name: 'web', appProtocol: 'http' }],
  entryPoint: ['/bin/sh'],
  environment: [{ name: 'A', value: '1' }, {}],
  workingDirectory: '/',
  user: '1000',
  hostname: 'h',
  healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5, timeout: 2, retries: 1, startPeriod: 0 },
  stopTimeout: 2,
  startTimeout: 10,
  dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }],
  dockerLabels: { team: 'a' },
  ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 2048 }],
  privileged: false,
  readonlyRootFilesystem: true,
  secrets: [{ name: 'TOKEN', valueFrom: 'berth:token' }],
  repositoryCredentials: { credentialsParameter: 'berth:registry' },
  links: ['db'],
  disableNetworking: false,
  interactive: true,
  pseudoTerminal: false,
  dnsServers: ['1.1.1.1'],
  extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.2' }],
  logConfiguration: { logDriver: 'json-file', options: { 'max-size': '1m' } },
};

describe('the task spec check (agent/check/task-spec.ts)', () => {
  it.each<[string, unknown]>([
    ['the smallest definition', { name: 'app', image: 'busybox' }],
    ['a hardened one', hardened],
    ['every field', everyField],
    ['an unknown key', { ...hardened, gpu: 1 }],
    ['an unknown key deep down', { ...hardened, linuxParameters: { capabilities: { keep: ['X'] } } }],
    ['a bad name', { name: 'a b', image: 'x' }],
    ['an empty image', { name: 'a', image: '' }],
    ['too little memory', { name: 'a', image: 'x', memory: 5 }],
    ['port 0 as the container port', { name: 'a', image: 'x', portMappings: [{ containerPort: 0 }] }],
    ['a health check without a command', { name: 'a', image: 'x', healthCheck: { command: [] } }],
    ['a label that is a number', { name: 'a', image: 'x', dockerLabels: { a: 1 } }],
    ['a stop timeout past 120', { name: 'a', image: 'x', stopTimeout: 121 }],
    ['an optional key given as undefined', { name: 'a', image: 'x', cpu: undefined }],
  ])('agrees with the schema on a container definition: %s', (_what, input) => {
    expectAgreement(definitionCheck, containerDefinition, input);
  });

  it.each<[string, unknown]>([
    ['the unit fixture (aSpec)', rawSpec()],
    [
      'a spec with a policy and volumes',
      rawSpec({
        policy: { allowedCapabilities: ['net_admin'], allowedHostPaths: ['/srv/data/'] },
        pidMode: 'host',
        volumes: [{ name: 'data', host: { sourcePath: '/srv/data/app/' } }],
      }),
    ],
    [
      'a spec with overrides',
      rawSpec({
        overrides: {
          containerOverrides: [
            {
              name: 'app',
              command: ['true'],
              environment: [{ name: 'A', value: '2' }],
              cpu: 1,
              memory: 2,
              memoryReservation: 3,
            },
          ],
          cpu: '256',
          memory: '512',
        },
      }),
    ],
    [
      'a spec with task limits and every container field',
      rawSpec({ cpu: 512, memory: 1024, containerDefinitions: [everyField] }),
    ],
    ['a key from a newer control plane (dropped)', rawSpec({ capacityProvider: 'x' })],
    ['a docker volume', rawSpec({ volumes: [{ name: 'v', dockerVolumeConfiguration: { scope: 'task' } }] })],
    ['no overrides', { ...rawSpec(), overrides: undefined }],
    ['an unknown override', rawSpec({ overrides: { ephemeralStorage: 1 } })],
    ['a bad network mode', rawSpec({ networkMode: 'nat' })],
    ['a bad cluster name', rawSpec({ clusterName: 'c 1' })],
    ['a fractional revision', rawSpec({ revision: 1.5 })],
    ['a bad definition', rawSpec({ containerDefinitions: [{ name: 'a' }] })],
    ['a bad policy', rawSpec({ policy: { pidsLimit: 1 } })],
    ['a volume with an unknown key', rawSpec({ volumes: [{ name: 'v', efsVolumeConfiguration: {} }] })],
  ])('agrees with the schema on a task spec: %s', (_what, input) => {
    expectAgreement(specCheck, taskSpec, input);
  });

  it('agrees with the schema on generated container definitions', () => {
    const strings = noisy(fc.array(noisy(fc.string({ maxLength: 3 })), { maxLength: 2 }));
    const definition = someOf({
      name: noisy(fc.constantFrom('app', 'a-b_c', 'a b', '')),
      image: noisy(fc.constantFrom('busybox', '', 'x'.repeat(256))),
      cpu: noisy(fc.integer({ min: -1, max: 41_000 })),
      memory: noisy(fc.integer({ min: 0, max: 10 })),
      memoryReservation: noisy(fc.integer({ min: 0, max: 10 })),
      portMappings: noisy(
        fc.array(
          someOf({
            containerPort: noisy(fc.integer({ min: -1, max: 65_536 })),
            hostPort: noisy(fc.integer({ min: -1, max: 65_536 })),
            protocol: noisy(fc.constantFrom('tcp', 'udp', 'sctp')),
          }),
          { maxLength: 2 },
        ),
      ),
      essential: noisy(fc.boolean()),
      command: strings,
      environment: noisy(fc.array(someOf({ name: noisy(fc.string()), value: noisy(fc.string()) }), { maxLength: 2 })),
      healthCheck: noisy(
        someOf({
          command: strings,
          interval: noisy(fc.integer({ min: 0, max: 400 })),
          retries: noisy(fc.integer({ min: 0, max: 11 })),
        }),
      ),
      stopTimeout: noisy(fc.integer({ min: -1, max: 130 })),
      dependsOn: noisy(
        fc.array(
          someOf({ containerName: noisy(fc.string()), condition: noisy(fc.constantFrom('START', 'HEALTHY', 'READY')) }),
          { maxLength: 2 },
        ),
      ),
      dockerLabels: noisy(fc.dictionary(fc.constantFrom('a', 'b.c'), noisy(fc.string()), { maxKeys: 2 })),
      linuxParameters: noisy(
        someOf({
          capabilities: noisy(someOf({ add: strings, drop: strings })),
          initProcessEnabled: noisy(fc.boolean()),
          devices: noisy(fc.array(junk)),
        }),
      ),
      mountPoints: noisy(
        fc.array(someOf({ sourceVolume: noisy(fc.string()), readOnly: noisy(fc.boolean()) }), { maxLength: 2 }),
      ),
      secrets: noisy(fc.array(someOf({ name: noisy(fc.string()), valueFrom: noisy(fc.string()) }), { maxLength: 2 })),
      logConfiguration: junk,
    });
    fc.assert(
      fc.property(definition, (input) => expectAgreement(definitionCheck, containerDefinition, input)),
      { numRuns: 500 },
    );
  });
});
