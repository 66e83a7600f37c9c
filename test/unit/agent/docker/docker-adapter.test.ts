import { describe, expect, it } from 'vitest';
import { negotiateApiVersion } from '#agent/docker/api-version.ts';
import { parseDockerHost } from '#agent/docker/docker-host.ts';
import { parse } from '#agent/check/check.ts';
import { containerInspect, engineEvent, engineMessage } from '#agent/docker/docker-schemas.ts';
import { toRuntimeEvent } from '#agent/docker/event-watch.ts';
import { registryAuthHeader, splitImageReference } from '#agent/docker/image-ref.ts';
import { toObservation } from '#agent/docker/observation.ts';
import { observe } from '#shared/agent/observe.ts';

describe('DOCKER_HOST', () => {
  it.each([
    [undefined, { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['', { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['unix:///run/user/1000/podman/podman.sock', { kind: 'unix', socketPath: '/run/user/1000/podman/podman.sock' }],
    ['tcp://10.0.0.5:2376', { kind: 'tcp', host: '10.0.0.5', port: 2376 }],
    ['tcp://docker', { kind: 'tcp', host: 'docker', port: 2375 }],
  ])('reads %j', (value, endpoint) => {
    expect(parseDockerHost(value)).toMatchObject(endpoint);
  });

  it.each(['ssh://host', 'npipe:////./pipe/docker_engine'])('refuses %j', (value) => {
    expect(() => parseDockerHost(value)).toThrow(/not supported/);
  });
});

describe('API version negotiation', () => {
  it.each([
    ['1.41', '1.41'],
    ['1.45', '1.41'],
    ['1.40', '1.40'],
    ['1.29', '1.29'],
  ])('an engine at %s is spoken to at %s', (engine, used) => {
    expect(negotiateApiVersion(engine)).toEqual({ ok: true, version: used });
  });

  it.each(['1.24', 'latest'])('refuses an engine at %s', (engine) => {
    expect(negotiateApiVersion(engine).ok).toBe(false);
  });
});

describe('image references', () => {
  it.each([
    ['busybox', 'busybox', 'latest'],
    ['busybox:1.36', 'busybox', '1.36'],
    ['registry:5000/team/app', 'registry:5000/team/app', 'latest'],
    ['registry:5000/team/app:v2', 'registry:5000/team/app', 'v2'],
    ['app@sha256:abc', 'app', 'sha256:abc'],
  ])('%s pulls %s at %s', (image, fromImage, tag) => {
    expect(splitImageReference(image)).toEqual({ fromImage, tag });
  });

  it('encodes registry credentials as base64url JSON', () => {
    const header = registryAuthHeader({ username: 'u', password: 'p?>', serverAddress: 'r.example' });
    expect(JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))).toEqual({
      username: 'u',
      password: 'p?>',
      serveraddress: 'r.example',
    });
  });
});

describe('what the engine says', () => {
  const inspect = (state: Record<string, unknown>) =>
    parse(containerInspect, {
      Id: 'abc',
      Name: '/berth-t1-app',
      Config: { Image: 'busybox', Labels: { 'com.berth.task-id': 't1' } },
      State: { StartedAt: '2026-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z', ...state },
      NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '50000' }], '81/tcp': null } },
    });

  it('reads a running container with its health and published ports', () => {
    const observation = toObservation(inspect({ Status: 'running', ExitCode: 0, Health: { Status: 'healthy' } }));
    expect(observation).toMatchObject({
      runtimeId: 'abc',
      name: 'berth-t1-app',
      state: 'running',
      health: 'healthy',
      startedAt: Date.UTC(2026, 0, 1),
      portBindings: [{ containerPort: 80, protocol: 'tcp', hostPort: 50000, hostIp: '0.0.0.0' }],
    });
    expect(observation.exitCode).toBeUndefined();
    expect(observation.finishedAt).toBeUndefined();
  });

  it('falls back to the requested ports before the start, and reads the stop timeout it was created with', () => {
    const created = parse(containerInspect, {
      Id: 'abc',
      Name: '/x',
      Config: { Labels: null, StopTimeout: 7 },
      State: { Status: 'created' },
      HostConfig: { PortBindings: { '53/udp': [{ HostIp: '', HostPort: '50053' }] } },
      NetworkSettings: { Ports: {} },
    });
    expect(toObservation(created)).toMatchObject({
      state: 'created',
      labels: {},
      stopTimeoutSeconds: 7,
      portBindings: [{ containerPort: 53, protocol: 'udp', hostPort: 50053 }],
    });
  });

  it('reads an exited container with its exit code and finish time, and an OOM kill as the reason', () => {
    const observation = toObservation(
      inspect({ Status: 'exited', ExitCode: 137, OOMKilled: true, FinishedAt: '2026-01-01T00:01:00Z' }),
    );
    expect(observe(observation)).toMatchObject({
      status: 'STOPPED',
      exitCode: 137,
      finishedAt: Date.UTC(2026, 0, 1, 0, 1),
      reason: expect.stringMatching(/^OutOfMemoryError/),
    });
  });

  it.each([
    [
      { Action: 'die', Actor: { ID: 'abc', Attributes: { exitCode: '3' } }, timeNano: 5_000_000 },
      { kind: 'die', exitCode: 3, at: 5 },
    ],
    [
      { Action: 'health_status: unhealthy', Actor: { ID: 'abc' }, time: 2 },
      { kind: 'health', health: 'unhealthy', at: 2000 },
    ],
    [
      { Action: 'health_status', Actor: { ID: 'abc', Attributes: { health_status: 'healthy' } } },
      { kind: 'health', health: 'healthy' },
    ],
    [{ Action: 'start', Actor: { ID: 'abc' } }, { kind: 'start' }],
  ])('maps the event %j', (raw, expected) => {
    expect(toRuntimeEvent(parse(engineEvent, raw))).toMatchObject({ runtimeId: 'abc', ...expected });
  });

  it.each(['exec_start: sh', 'attach', 'resize'])('ignores the %s event', (action) => {
    expect(toRuntimeEvent(parse(engineEvent, { Action: action, Actor: { ID: 'abc' } }))).toBeUndefined();
  });

  it.each([
    ['{"message":"No such image: x"}', 'No such image: x'],
    ['page not found\n', 'page not found'],
  ])('takes the error message out of %j', (body, message) => {
    expect(engineMessage(body)).toBe(message);
  });
});
