import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as z from 'zod';
import * as engine from '#agent/docker/docker-schemas.ts';
import { expectAgreement, junk, noisy, someOf } from './check-agreement.ts';

/**
 * The engine's answers as the agent read them with zod before
 * agent/docker/docker-schemas.ts used the agent's own checks: the reference
 * the checks are held to.
 */
const labels = z
  .record(z.string(), z.string())
  .nullish()
  .transform((value) => value ?? {});
const hostBinding = z.object({ HostIp: z.string().optional(), HostPort: z.string().optional() });
const reference = {
  versionResponse: z.object({
    Version: z.string(),
    ApiVersion: z.string(),
    MinAPIVersion: z.string().optional(),
    Os: z.string().optional(),
    Arch: z.string().optional(),
  }),
  infoResponse: z.object({
    NCPU: z.number().int().positive(),
    MemTotal: z.number().int().positive(),
    OSType: z.string().optional(),
    Architecture: z.string().optional(),
  }),
  containerInspect: z.object({
    Id: z.string(),
    Name: z.string(),
    Config: z.object({ Image: z.string().optional(), Labels: labels, StopTimeout: z.number().int().nullish() }),
    State: z.object({
      Status: z.string(),
      ExitCode: z.number().int().optional(),
      Error: z.string().optional(),
      OOMKilled: z.boolean().optional(),
      StartedAt: z.string().optional(),
      FinishedAt: z.string().optional(),
      Health: z.object({ Status: z.string() }).nullish(),
    }),
    HostConfig: z.object({ PortBindings: z.record(z.string(), z.array(hostBinding).nullable()).nullish() }).nullish(),
    NetworkSettings: z.object({ Ports: z.record(z.string(), z.array(hostBinding).nullable()).nullish() }).nullish(),
  }),
  containerList: z.array(z.object({ Id: z.string() })),
  imageInspect: z.object({ Id: z.string(), RepoDigests: z.array(z.string()).nullish() }),
  engineEvent: z.object({
    Type: z.string().optional(),
    Action: z.string(),
    Actor: z.object({ ID: z.string(), Attributes: z.record(z.string(), z.string()).nullish() }),
    time: z.number().optional(),
    timeNano: z.number().optional(),
  }),
  pullProgress: z.object({
    error: z.string().optional(),
    errorDetail: z.object({ message: z.string().optional() }).optional(),
  }),
  errorBody: z.object({ message: z.string() }),
};

const inspect = {
  Id: 'abc',
  Name: '/berth-t1-app',
  Created: '2026-01-01T00:00:00Z',
  Config: { Image: 'busybox', Labels: { 'com.berth.task-id': 't1' }, StopTimeout: 30, Env: ['A=1'] },
  State: {
    Status: 'running',
    ExitCode: 0,
    Error: '',
    OOMKilled: false,
    StartedAt: '2026-01-01T00:00:00Z',
    FinishedAt: '0001-01-01T00:00:00Z',
    Health: { Status: 'healthy', Log: [] },
    Pid: 7,
  },
  HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '50000' }] }, Memory: 0 },
  NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '50000' }], '81/tcp': null } },
};

type Case = [string, keyof typeof reference, unknown];

describe("the engine's answers (agent/docker/docker-schemas.ts)", () => {
  it.each<Case>([
    [
      'a version',
      'versionResponse',
      { Version: '20.10.24', ApiVersion: '1.41', MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64', GoVersion: 'go1' },
    ],
    ['a Podman version', 'versionResponse', { Version: '4.9', ApiVersion: '1.41' }],
    ['a version without ApiVersion', 'versionResponse', { Version: '4.9' }],
    ['info', 'infoResponse', { NCPU: 2, MemTotal: 4_000_000_000, OSType: 'linux', Architecture: 'x86_64', Name: 'h' }],
    ['info with no CPUs', 'infoResponse', { NCPU: 0, MemTotal: 1 }],
    ['an inspect', 'containerInspect', inspect],
    [
      'an inspect with null labels, health and ports',
      'containerInspect',
      {
        ...inspect,
        Config: { Labels: null, StopTimeout: null },
        State: { Status: 'created', Health: null },
        HostConfig: null,
        NetworkSettings: { Ports: null },
      },
    ],
    ['an inspect without labels', 'containerInspect', { ...inspect, Config: {} }],
    ['an inspect with a numeric label', 'containerInspect', { ...inspect, Config: { Labels: { a: 1 } } }],
    [
      'an inspect with a fractional exit code',
      'containerInspect',
      { ...inspect, State: { Status: 'exited', ExitCode: 1.5 } },
    ],
    ['a listing', 'containerList', [{ Id: 'a', Names: ['/x'] }, { Id: 'b' }]],
    ['a listing with a bad entry', 'containerList', [{ Id: 1 }]],
    ['an image', 'imageInspect', { Id: 'sha256:1', RepoDigests: ['busybox@sha256:2'], Size: 1 }],
    ['an image with null digests', 'imageInspect', { Id: 'sha256:1', RepoDigests: null }],
    [
      'an event',
      'engineEvent',
      {
        Type: 'container',
        Action: 'die',
        Actor: { ID: 'abc', Attributes: { exitCode: '1' } },
        time: 1,
        timeNano: 1e18,
        scope: 'local',
      },
    ],
    ['an event without attributes', 'engineEvent', { Action: 'start', Actor: { ID: 'abc', Attributes: null } }],
    [
      'an event with a numeric attribute',
      'engineEvent',
      { Action: 'start', Actor: { ID: 'abc', Attributes: { a: 1 } } },
    ],
    ['a pull line', 'pullProgress', { status: 'Downloading', progressDetail: {} }],
    ['a pull error', 'pullProgress', { error: 'denied', errorDetail: { message: 'denied' } }],
    ['an error body', 'errorBody', { message: 'No such container' }],
    ['a plain-text body', 'errorBody', undefined],
  ])('agrees with zod on %s', (_what, name, input) => {
    expectAgreement(engine[name], reference[name], input);
  });

  it('agrees with zod on generated inspects', () => {
    const bindings = noisy(
      fc.dictionary(
        fc.constantFrom('80/tcp', '53/udp'),
        noisy(
          fc.option(fc.array(someOf({ HostIp: noisy(fc.string()), HostPort: noisy(fc.string()) }), { maxLength: 2 })),
        ),
        { maxKeys: 2 },
      ),
    );
    const answer = someOf({
      Id: noisy(fc.string()),
      Name: noisy(fc.string()),
      Config: noisy(
        someOf({
          Image: noisy(fc.string()),
          Labels: noisy(fc.option(fc.dictionary(fc.string({ maxLength: 2 }), noisy(fc.string()), { maxKeys: 2 }))),
          StopTimeout: noisy(fc.option(fc.integer())),
        }),
      ),
      State: noisy(
        someOf({
          Status: noisy(fc.string()),
          ExitCode: noisy(fc.integer()),
          OOMKilled: noisy(fc.boolean()),
          Health: noisy(fc.option(someOf({ Status: noisy(fc.string()) }))),
        }),
      ),
      HostConfig: noisy(fc.option(someOf({ PortBindings: bindings }))),
      NetworkSettings: noisy(fc.option(someOf({ Ports: bindings }))),
      Extra: junk,
    });
    fc.assert(
      fc.property(answer, (input) => expectAgreement(engine.containerInspect, reference.containerInspect, input)),
      { numRuns: 400 },
    );
  });
});

describe('records (agent/check/compose.ts)', () => {
  it.each<[string, unknown]>([
    ['a JSON object', { a: 'b' }],
    ['one without a prototype', Object.assign(Object.create(null) as object, { a: 'b' })],
    ['one inheriting a key', Object.create({ a: 'b' }) as object],
    ['one with a constructor key', { constructor: 'x' }],
    ['a __proto__ key from JSON', JSON.parse('{"__proto__": "x", "a": "b"}')],
    ['a Map', new Map([['a', 'b']])],
    ['a Date', new Date(0)],
    ['an array', ['b']],
  ])('agree with zod on %s', (_what, input) => {
    expectAgreement(engine.engineEvent, reference.engineEvent, { Action: 'a', Actor: { ID: 'x', Attributes: input } });
  });
});
