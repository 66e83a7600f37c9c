import { describe, expect, it } from 'vitest';
import {
  containerConfig,
  dynamicMappings,
  type ContainerContext,
  type HostPortChoice,
} from '#shared/agent/container-config.ts';
import { createContainerBody } from '#agent/docker/create-body.ts';
import { refusal } from '#shared/agent/host-policy.ts';
import { clusterPolicy } from '#shared/security/cluster-policy.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import type { TaskSpec } from '#shared/schemas/agent-api.ts';
import { aSpec } from './fixtures.ts';

const context: ContainerContext = { instanceId: 'i-1', hostPorts: [], stopTimeoutSeconds: 30 };
const MIB = 1024 * 1024;

function body(
  definition: Partial<ContainerDefinition>,
  extra: Partial<TaskSpec> = {},
  hostPorts: readonly HostPortChoice[] = [],
) {
  const full: ContainerDefinition = { name: 'app', image: 'busybox:1.36', ...definition };
  const spec = aSpec([full], extra);
  return createContainerBody(containerConfig(spec, full, { ...context, hostPorts }));
}

describe('the Docker options of a container definition', () => {
  it('carries image, command, entry point, environment, working directory, user and labels', () => {
    expect(
      body({
        command: ['httpd', '-f'],
        entryPoint: ['/bin/sh', '-c'],
        environment: [{ name: 'A', value: '1' }, { name: 'B' }],
        workingDirectory: '/www',
        user: 'nobody',
        dockerLabels: { team: 'web', 'com.berth.task-id': 'spoofed' },
      }),
    ).toMatchObject({
      Image: 'busybox:1.36',
      Cmd: ['httpd', '-f'],
      Entrypoint: ['/bin/sh', '-c'],
      Env: ['A=1', 'B='],
      WorkingDir: '/www',
      User: 'nobody',
      Labels: {
        team: 'web',
        'com.berth.cluster': 'c1',
        'com.berth.task-id': 't1',
        'com.berth.container-name': 'app',
        'com.berth.instance-id': 'i-1',
      },
      StopTimeout: 30,
      HostConfig: { RestartPolicy: { Name: 'no' }, Privileged: false, NetworkMode: 'bridge' },
    });
  });

  it.each<[string, Partial<ContainerDefinition>, Partial<TaskSpec>, Record<string, unknown>]>([
    ['cpu units become shares', { cpu: 512 }, {}, { CpuShares: 512 }],
    ['no cpu gets the minimum 2 shares', {}, {}, { CpuShares: 2 }],
    [
      'a task cpu caps each container',
      { cpu: 256 },
      { cpu: 512 },
      { CpuShares: 256, CpuQuota: 50_000, CpuPeriod: 100_000 },
    ],
    ['memory is the hard limit', { memory: 128 }, {}, { Memory: 128 * MIB }],
    ['memoryReservation is the soft limit', { memoryReservation: 64 }, {}, { MemoryReservation: 64 * MIB }],
    [
      'the task memory is the hard limit when the container has none',
      { memoryReservation: 64 },
      { memory: 256 },
      { Memory: 256 * MIB, MemoryReservation: 64 * MIB },
    ],
  ])('%s', (_, definition, extra, hostConfig) => {
    expect(body(definition, extra).HostConfig).toMatchObject(hostConfig);
  });

  it('leaves out the cpu quota and gives the policy default memory when nothing sets them', () => {
    const hostConfig = body({}).HostConfig;
    expect(hostConfig).not.toHaveProperty('CpuQuota');
    expect(hostConfig).toMatchObject({ Memory: 512 * MIB });
  });

  it('applies the task overrides of a container', () => {
    const definition: ContainerDefinition = {
      name: 'app',
      image: 'busybox',
      command: ['a'],
      environment: [{ name: 'X', value: '1' }],
      memory: 64,
    };
    const spec = aSpec([definition], {
      overrides: {
        containerOverrides: [{ name: 'app', command: ['b'], environment: [{ name: 'Y', value: '2' }], memory: 96 }],
      },
    });
    const created = createContainerBody(containerConfig(spec, definition, context));
    expect(created).toMatchObject({ Cmd: ['b'], Env: ['X=1', 'Y=2'], HostConfig: { Memory: 96 * MIB } });
  });

  it.each<[string, Partial<ContainerDefinition>, Partial<TaskSpec>, Record<string, unknown>]>([
    [
      'an override of memory 0 keeps the definition limit',
      { memory: 64 },
      { overrides: { containerOverrides: [{ name: 'app', memory: 0 }] } },
      { Memory: 64 * MIB },
    ],
    [
      'an override of memory 0 without a definition limit gets the policy default',
      {},
      { overrides: { containerOverrides: [{ name: 'app', memory: 0, memoryReservation: 0, cpu: 0 }] } },
      { Memory: 512 * MIB, CpuShares: 2 },
    ],
    [
      'a task memory override of "0" falls back to the default',
      {},
      { overrides: { memory: '0' } },
      { Memory: 512 * MIB },
    ],
    ['a negative task memory gets the policy default', {}, { memory: -1 }, { Memory: 512 * MIB }],
    ['a task cpu of 0 sets no quota', {}, { cpu: 0 }, { CpuShares: 2 }],
  ])('treats a non-positive limit as unset: %s', (_, definition, extra, hostConfig) => {
    const hostConfigOut = body(definition, extra).HostConfig;
    expect(hostConfigOut).toMatchObject(hostConfig);
    expect(hostConfigOut).not.toHaveProperty('MemoryReservation');
    expect(hostConfigOut).not.toHaveProperty('CpuQuota');
  });

  it('publishes static and picked host ports in bridge mode', () => {
    const created = body(
      {
        portMappings: [
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 53, protocol: 'udp' },
        ],
      },
      {},
      [{ containerPort: 53, protocol: 'udp', hostPort: 50000 }],
    );
    expect(created.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    expect(created.HostConfig).toMatchObject({
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '50000' }] },
    });
  });

  it('publishes nothing with host networking', () => {
    const created = body({ portMappings: [{ containerPort: 80 }] }, { networkMode: 'host' });
    expect(created.HostConfig).toMatchObject({ NetworkMode: 'host', PortBindings: {} });
  });

  it('asks for dynamic ports only for bridge mappings without a host port', () => {
    const definition: ContainerDefinition = {
      name: 'app',
      image: 'x',
      portMappings: [{ containerPort: 80 }, { containerPort: 81, hostPort: 0 }, { containerPort: 82, hostPort: 9000 }],
    };
    expect(dynamicMappings(aSpec([definition]), definition)).toEqual([
      { containerPort: 80, protocol: 'tcp' },
      { containerPort: 81, protocol: 'tcp' },
    ]);
    expect(dynamicMappings(aSpec([definition], { networkMode: 'host' }), definition)).toEqual([]);
  });

  it('turns the health check into nanoseconds', () => {
    expect(
      body({ healthCheck: { command: ['CMD', 'true'], interval: 5, timeout: 2, retries: 1, startPeriod: 3 } })
        .Healthcheck,
    ).toEqual({
      Test: ['CMD', 'true'],
      Interval: 5_000_000_000,
      Timeout: 2_000_000_000,
      Retries: 1,
      StartPeriod: 3_000_000_000,
    });
  });

  it('names the container after its task deterministically', () => {
    const definition: ContainerDefinition = { name: 'web_1', image: 'x' };
    expect(containerConfig(aSpec([definition]), definition, context).name).toBe('berth-t1-web_1');
  });
});

const RELAXED = clusterPolicy.parse({
  allowPrivileged: true,
  allowedCapabilities: ['NET_ADMIN', 'CAP_SYS_TIME'],
  allowHostPid: true,
  allowHostNetwork: true,
  allowedHostPaths: ['/srv/data'],
  pidsLimit: 200,
  defaultMemoryMiB: 128,
});

describe('hardening', () => {
  it('gives every container the secure defaults', () => {
    const created = body({});
    expect(created.HostConfig).toMatchObject({
      Privileged: false,
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: 4096,
      Memory: 512 * MIB,
    });
    for (const absent of ['CapAdd', 'PidMode', 'Mounts']) expect(created.HostConfig).not.toHaveProperty(absent);
  });

  it('grants what the cluster policy allows and the definition asks for', () => {
    const created = body(
      {
        privileged: true,
        linuxParameters: { capabilities: { add: ['cap_net_admin', 'SYS_TIME'], drop: ['CAP_MKNOD'] } },
        mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }],
      },
      { policy: RELAXED, pidMode: 'host', volumes: [{ name: 'data', host: { sourcePath: '/srv/data/app/' } }] },
    );
    expect(created.HostConfig).toMatchObject({
      Privileged: true,
      CapAdd: ['NET_ADMIN', 'SYS_TIME'],
      CapDrop: ['MKNOD'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: 200,
      PidMode: 'host',
      Memory: 128 * MIB,
      Mounts: [{ Type: 'bind', Source: '/srv/data/app', Target: '/data', ReadOnly: true }],
    });
  });

  it('passes security options in the engine form, and unconfined ones and host IPC only when the policy allows', () => {
    const options = { dockerSecurityOptions: ['no-new-privileges', 'apparmor:custom', 'seccomp=unconfined'] };
    expect(body(options).HostConfig).toMatchObject({ SecurityOpt: ['no-new-privileges', 'apparmor=custom'] });
    expect(body(options, { ipcMode: 'host' }).HostConfig).not.toHaveProperty('IpcMode');
    const allowed = clusterPolicy.parse({ allowUnconfined: true, allowHostIpc: true });
    expect(body(options, { policy: allowed, ipcMode: 'host' }).HostConfig).toMatchObject({
      SecurityOpt: ['no-new-privileges', 'apparmor=custom', 'seccomp=unconfined'],
      IpcMode: 'host',
    });
  });

  it('asks the engine for GPUs with the NVIDIA driver, and for nothing otherwise', () => {
    expect(body({ resourceRequirements: [{ type: 'GPU', value: '2' }] }).HostConfig).toMatchObject({
      DeviceRequests: [{ Driver: 'nvidia', Count: 2, Capabilities: [['gpu']] }],
    });
    expect(body({}).HostConfig).not.toHaveProperty('DeviceRequests');
  });

  it('keeps a reservation above the default memory within its hard limit', () => {
    expect(body({ memoryReservation: 1024 }).HostConfig).toMatchObject({
      Memory: 1024 * MIB,
      MemoryReservation: 1024 * MIB,
    });
  });

  it('honours readonlyRootFilesystem, user, init and ulimits', () => {
    const created = body({
      readonlyRootFilesystem: true,
      user: '1000:1000',
      linuxParameters: { initProcessEnabled: true },
      ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 2048 }],
    });
    expect(created).toMatchObject({
      User: '1000:1000',
      HostConfig: { ReadonlyRootfs: true, Init: true, Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }] },
    });
  });

  it('injects resolved secrets as environment variables, ahead of a plain variable of the same name', () => {
    const definition: ContainerDefinition = {
      name: 'app',
      image: 'x',
      environment: [
        { name: 'DB_PASSWORD', value: 'plain' },
        { name: 'A', value: '1' },
      ],
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'berth:secret:db' }],
    };
    const config = containerConfig(aSpec([definition]), definition, {
      ...context,
      secrets: [{ name: 'DB_PASSWORD', value: 's3cr3t' }],
    });
    expect(createContainerBody(config).Env).toEqual(['DB_PASSWORD=s3cr3t', 'A=1']);
  });
});

describe('what the host refuses', () => {
  it.each<[string, Partial<ContainerDefinition>, Partial<TaskSpec>]>([
    ['privileged mode', { privileged: true }, {}],
    ['the Linux capabilities NET_ADMIN', { linuxParameters: { capabilities: { add: ['NET_ADMIN'] } } }, {}],
    [
      "the host path '/etc'",
      { mountPoints: [{ sourceVolume: 'etc', containerPath: '/host-etc' }] },
      { volumes: [{ name: 'etc', host: { sourcePath: '/etc' } }] },
    ],
    [
      "the container engine's socket",
      { mountPoints: [{ sourceVolume: 'docker', containerPath: '/var/run/docker.sock' }] },
      { volumes: [{ name: 'docker', host: { sourcePath: '/var/run/docker.sock' } }] },
    ],
    [
      "volume 'data' without a host sourcePath",
      { mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] },
      { volumes: [{ name: 'data' }] },
    ],
    [
      "mounts volume 'data', which the task definition does not declare",
      { mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] },
      {},
    ],
    ['host networking', {}, { networkMode: 'host' }],
    ["the host's PID namespace", {}, { pidMode: 'host' }],
    [
      'secrets (this agent has no secret resolver)',
      { secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:us-east-1:1:parameter/db' }] },
      {},
    ],
    ["the host's IPC namespace", {}, { ipcMode: 'host' }],
    ['the security options label:disable', { dockerSecurityOptions: ['label:disable'] }, {}],
    ['firelensConfiguration (Berth runs no FireLens log router)', { firelensConfiguration: { type: 'fluentbit' } }, {}],
    [
      "which cluster 'c1' does not allow (allowed: ghcr.io/acme/*)",
      {},
      { policy: clusterPolicy.parse({ images: { allowedRegistries: ['ghcr.io/acme/*'] } }) },
    ],
  ])('%s', (what, definition, extra) => {
    const full: ContainerDefinition = { name: 'app', image: 'x', ...definition };
    expect(refusal(aSpec([full], extra), full)).toContain(what);
  });

  it('allows an ordinary container, dropped capabilities included', () => {
    const full: ContainerDefinition = { name: 'app', image: 'x', linuxParameters: { capabilities: { drop: ['ALL'] } } };
    expect(refusal(aSpec([full]), full)).toBeUndefined();
    expect(createContainerBody(containerConfig(aSpec([full]), full, context)).HostConfig).toMatchObject({
      CapDrop: ['ALL'],
    });
  });

  it('allows what the cluster policy allows, and secrets once a resolver is wired in', () => {
    const full: ContainerDefinition = {
      name: 'app',
      image: 'x',
      privileged: true,
      linuxParameters: { capabilities: { add: ['NET_ADMIN'] } },
      mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
      secrets: [{ name: 'DB', valueFrom: 'berth:secret:db' }],
    };
    const spec = aSpec([full], {
      policy: RELAXED,
      networkMode: 'host',
      pidMode: 'host',
      volumes: [{ name: 'data', host: { sourcePath: '/srv/data' } }],
    });
    expect(refusal(spec, full)).toContain('secrets');
    expect(refusal(spec, full, { resolvesSecrets: true })).toBeUndefined();
  });

  it('lets an agent refuse what a newer policy forbids, whatever the control plane checked', () => {
    const full: ContainerDefinition = { name: 'app', image: 'docker.io/library/busybox:1.36' };
    const pinned = aSpec([full], { policy: clusterPolicy.parse({ images: { requireDigest: true } }) });
    expect(refusal(pinned, full)).toMatch(/not pinned by digest; cluster 'c1' requires/);
  });
});
