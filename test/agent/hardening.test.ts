import { chmod, mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DockerRuntime } from '#agent/docker/docker-runtime.ts';
import type { AgentHandle } from '#agent/index.ts';
import { containerConfig } from '#shared/agent/container-config.ts';
import { taskSpec } from '#shared/schemas/agent-api.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { clusterPolicy } from '#shared/security/cluster-policy.ts';
import { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../support/busybox-image.ts';
import {
  docker,
  eventually,
  memoryLogger,
  removeClusterContainers,
  removeTempDirs,
  startTestAgent,
  uniqueCluster,
} from './support.ts';

const MIB = 1024 * 1024;
const cluster = uniqueCluster('harden');
let fake: FakeControlPlane;
let agent: AgentHandle;
let shared: string;
const logger = memoryLogger();

const inspected = z.array(
  z.object({
    Config: z.object({ User: z.string() }),
    HostConfig: z.object({
      Privileged: z.boolean(),
      SecurityOpt: z.array(z.string()).nullable(),
      PidsLimit: z.number().nullable(),
      Memory: z.number(),
      CapAdd: z.array(z.string()).nullable(),
      CapDrop: z.array(z.string()).nullable(),
      ReadonlyRootfs: z.boolean(),
      Init: z.boolean().nullish(),
      PidMode: z.string(),
      Mounts: z
        .array(z.object({ Type: z.string(), Source: z.string(), Target: z.string(), ReadOnly: z.boolean().optional() }))
        .nullish(),
    }),
  }),
);

async function hostConfigOf(runtimeId: string) {
  const [first] = inspected.parse(JSON.parse(await docker('inspect', runtimeId)));
  if (!first) throw new Error(`docker inspect ${runtimeId} returned nothing`);
  return first;
}

beforeAll(async () => {
  await ensureBusyboxImage();
  fake = await FakeControlPlane.start();
  agent = await startTestAgent(fake, cluster, { logger });
  shared = await mkdtemp(join(tmpdir(), 'berth-harden-'));
  // The container runs as an unprivileged user and writes here.
  await chmod(shared, 0o777);
});

afterAll(async () => {
  await agent?.stop();
  await fake?.close();
  await removeClusterContainers(cluster);
  removeTempDirs();
  if (shared) await rm(shared, { recursive: true, force: true });
});

describe('hardened containers on a real engine', () => {
  it('creates every container without new privileges, with a pids limit and a memory limit', async () => {
    const spec = fake.runTask(agent.instanceId, [
      { name: 'plain', image: BUSYBOX_IMAGE, command: ['sleep', '600'], stopTimeout: 1 },
    ]);
    agent.pollNow();
    const running = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const { HostConfig } = await hostConfigOf(running.last?.containers[0]?.runtimeId ?? '');
    expect(HostConfig).toMatchObject({
      Privileged: false,
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: 4096,
      Memory: 512 * MIB,
      PidMode: '',
    });
    expect(HostConfig.CapAdd ?? []).toEqual([]);
    fake.stopTask(spec.taskId);
    agent.pollNow();
    await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
  });

  it('gives a container whose override asks for memory 0 the default memory limit, not none', async () => {
    const spec = fake.runTask(
      agent.instanceId,
      [{ name: 'zero', image: BUSYBOX_IMAGE, command: ['sleep', '600'], stopTimeout: 1 }],
      {
        overrides: { containerOverrides: [{ name: 'zero', memory: 0, memoryReservation: 0, cpu: 0 }] },
      },
    );
    agent.pollNow();
    const running = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const { HostConfig } = await hostConfigOf(running.last?.containers[0]?.runtimeId ?? '');
    expect(HostConfig.Memory).toBe(512 * MIB);
    fake.stopTask(spec.taskId);
    agent.pollNow();
    await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
  });

  it('honours what the policy allows: capabilities, a host path, user, read-only root, init and a pids limit', async () => {
    const policy = clusterPolicy.parse({
      allowedCapabilities: ['NET_ADMIN'],
      allowedHostPaths: [shared],
      pidsLimit: 64,
    });
    const spec = fake.runTask(
      agent.instanceId,
      [
        {
          name: 'worker',
          image: BUSYBOX_IMAGE,
          memory: 32,
          user: '1000:1000',
          readonlyRootFilesystem: true,
          linuxParameters: { initProcessEnabled: true, capabilities: { add: ['CAP_NET_ADMIN'], drop: ['MKNOD'] } },
          mountPoints: [{ sourceVolume: 'shared', containerPath: '/shared' }],
          // Writes through the bind mount, and proves the root filesystem refuses a write.
          command: ['sh', '-c', 'echo written > /shared/out && ! touch /rootfs-probe'],
        },
      ],
      { policy, volumes: [{ name: 'shared', host: { sourcePath: shared } }] },
    );
    agent.pollNow();
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(stopped.last?.containers[0]).toMatchObject({ exitCode: 0 });
    expect(await readFile(join(shared, 'out'), 'utf8')).toBe('written\n');
    const { Config, HostConfig } = await hostConfigOf(stopped.last?.containers[0]?.runtimeId ?? '');
    expect(Config.User).toBe('1000:1000');
    expect(HostConfig).toMatchObject({
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['MKNOD'],
      ReadonlyRootfs: true,
      Init: true,
      PidsLimit: 64,
      Memory: 32 * MIB,
      Mounts: [{ Type: 'bind', Source: shared, Target: '/shared' }],
    });
  });

  it.each<[string, Partial<ContainerDefinition>, Parameters<FakeControlPlane['runTask']>[2], RegExp]>([
    [
      'the Docker socket',
      { mountPoints: [{ sourceVolume: 'sock', containerPath: '/var/run/docker.sock' }] },
      { volumes: [{ name: 'sock', host: { sourcePath: '/var/run/docker.sock' } }] },
      /engine's socket \(host path '\/var\/run\/docker.sock'\), which cluster '.*' does not allow/,
    ],
    ['privileged mode', { privileged: true }, {}, /asks for privileged mode, which cluster/],
    [
      'host networking under a policy that does not allow it',
      {},
      { networkMode: 'host' },
      /host networking, which cluster/,
    ],
  ])('refuses %s with the reason instead of running it', async (_, extra, task, reason) => {
    const spec = fake.runTask(
      agent.instanceId,
      [{ name: 'bad', image: BUSYBOX_IMAGE, command: ['sleep', '600'], memory: 32, ...extra }],
      task,
    );
    agent.pollNow();
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(stopped.last?.stopCode).toBe('TaskFailedToStart');
    expect(stopped.last?.stoppedReason).toMatch(/^CannotCreateContainerError: /);
    expect(stopped.last?.stoppedReason).toMatch(reason);
  });
});

describe('secrets in a container on a real engine', () => {
  it('reach the process as environment variables', async () => {
    const runtime = new DockerRuntime({});
    const definition: ContainerDefinition = {
      name: 'secret-reader',
      image: BUSYBOX_IMAGE,
      memory: 32,
      // Exits 0 only when the value arrived; it is never printed.
      command: ['sh', '-c', 'test "$DB_PASSWORD" = "s3cr3t-value"'],
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'berth:secret:db' }],
    };
    const spec = taskSpec.parse({
      taskId: `secret${Date.now()}`,
      taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/x/y',
      clusterName: cluster,
      desiredStatus: 'RUNNING',
      family: 'secret',
      revision: 1,
      networkMode: 'bridge',
      containerDefinitions: [definition],
      overrides: {},
    });
    const config = containerConfig(spec, definition, {
      instanceId: 'direct',
      hostPorts: [],
      stopTimeoutSeconds: 1,
      secrets: [{ name: 'DB_PASSWORD', value: 's3cr3t-value' }],
    });
    const created = await runtime.createContainer(config);
    if (!created.ok) throw new Error(created.failure.message);
    expect((await runtime.startContainer(created.value.runtimeId)).ok).toBe(true);
    const exited = await eventually(async () => {
      const seen = await runtime.inspectContainer(created.value.runtimeId);
      return seen.ok && seen.value?.state === 'exited' ? seen.value : undefined;
    });
    expect(exited.exitCode).toBe(0);
    expect(logger.lines.join('\n')).not.toContain('s3cr3t-value');
  });
});

describe('host paths through symbolic links on a real engine', () => {
  /** Runs a task with the shared directory mounted and waits for its end. */
  async function runWithShared(command: string[], sourcePath: string, policyPaths: string[]) {
    const policy = clusterPolicy.parse({ allowedHostPaths: policyPaths });
    const spec = fake.runTask(
      agent.instanceId,
      [
        {
          name: 'c',
          image: BUSYBOX_IMAGE,
          memory: 32,
          command,
          stopTimeout: 1,
          mountPoints: [{ sourceVolume: 'v', containerPath: '/mnt/v' }],
        },
      ],
      { policy, volumes: [{ name: 'v', host: { sourcePath } }] },
    );
    agent.pollNow();
    return fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED' || t.last?.lastStatus === 'RUNNING');
  }

  it.each([
    ['the Docker socket', 'sock', '/var/run/docker.sock', ''],
    ['/etc', 'etc', '/etc', ''],
    ['/etc, reached through a linked directory', 'etcdir', '/etc', '/passwd'],
  ])('refuses a link to %s planted by another task, and mounts nothing', async (_, name, target, below) => {
    const planter = await runWithShared(['ln', '-sfn', target, `/mnt/v/${name}`], shared, [shared]);
    await fake.waitForTask(planter.spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(fake.tasks.get(planter.spec.taskId)?.last?.containers[0]?.exitCode).toBe(0);

    const victim = await runWithShared(['sleep', '600'], `${shared}/${name}${below}`, [shared]);
    expect(victim.last?.lastStatus).toBe('STOPPED');
    expect(victim.last?.stopCode).toBe('TaskFailedToStart');
    expect(victim.last?.stoppedReason).toMatch(/^CannotCreateContainerError: /);
    expect(victim.last?.stoppedReason).toMatch(new RegExp(`symbolic link ${shared}/${name}`));
    expect(victim.last?.containers[0]?.runtimeId).toBeUndefined();
  });

  it('binds the real path of an allowed directory reached through an operator link above it', async () => {
    const outer = await mkdtemp(join(tmpdir(), 'berth-link-'));
    try {
      await symlink(shared, join(outer, 'data'));
      const ran = await runWithShared(['sh', '-c', 'echo via-link > /mnt/v/via'], join(outer, 'data'), [
        join(outer, 'data'),
      ]);
      const stopped = await fake.waitForTask(ran.spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
      expect(stopped.last?.containers[0]?.exitCode).toBe(0);
      expect(await readFile(join(shared, 'via'), 'utf8')).toBe('via-link\n');
      const { HostConfig } = await hostConfigOf(stopped.last?.containers[0]?.runtimeId ?? '');
      expect(HostConfig.Mounts).toMatchObject([{ Type: 'bind', Source: await realpath(shared), Target: '/mnt/v' }]);
    } finally {
      await rm(outer, { recursive: true, force: true });
    }
  });
});
