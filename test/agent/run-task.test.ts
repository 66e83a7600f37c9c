import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '#agent/index.ts';
import type { TaskSpec } from '#shared/schemas/agent-api.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import {
  busybox,
  containersWithLabel,
  dockerInspect,
  removeClusterContainers,
  removeTempDirs,
  startTestAgent,
  uniqueCluster,
} from './support.ts';

const cluster = uniqueCluster('run');
let fake: FakeControlPlane;
let agent: AgentHandle;

beforeAll(async () => {
  await ensureBusyboxImage();
  fake = await FakeControlPlane.start();
  agent = await startTestAgent(fake, cluster, {
    registrationToken: 'test-token',
    registryCredentials: {
      'arn:aws:secretsmanager:us-east-1:000000000000:secret:registry': { username: 'u', password: 'p' },
    },
  });
});

afterAll(async () => {
  await agent?.stop();
  await fake?.close();
  await removeClusterContainers(cluster);
  removeTempDirs();
});

/** Assigns a task and tells the agent to poll now, as a push hint would. */
function run(containers: ContainerDefinition[], extra: Partial<Omit<TaskSpec, 'taskId'>> = {}): TaskSpec {
  const spec = fake.runTask(agent.instanceId, containers, extra);
  agent.pollNow();
  return spec;
}

function stop(taskId: string): void {
  fake.stopTask(taskId);
  agent.pollNow();
}

describe('running a task', () => {
  it('registers with discovered resources and the bearer token', () => {
    const instance = fake.instances.get(agent.instanceId);
    const registration = instance?.registrations[0];
    expect(registration?.resources.cpu).toBeGreaterThanOrEqual(1024);
    expect(registration?.resources.reservedPorts).toEqual(
      expect.arrayContaining([22, 2375, 2376, 51678, 51679, 51680]),
    );
    expect(registration?.attributes.map((a) => a.name)).toEqual(
      expect.arrayContaining(['ecs.os-type', 'ecs.cpu-architecture']),
    );
    expect(fake.authorizations).toContain('Bearer test-token');
  });

  it('starts busybox httpd on a dynamic host port that answers on loopback, then stops it', async () => {
    const spec = run([
      // httpd as PID 1 ignores SIGTERM, so the stop ends with the kill after stopTimeout.
      busybox('web', ['httpd', '-f', '-p', '8080', '-h', '/www'], {
        portMappings: [{ containerPort: 8080 }],
        stopTimeout: 1,
      }),
    ]);
    const running = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const binding = running.last?.containers[0]?.networkBindings?.find((b) => b.containerPort === 8080);
    expect(binding?.hostPort).toBeGreaterThanOrEqual(49153);
    expect(running.last?.startedAt).toBeTypeOf('number');
    const page = await fetch(`http://127.0.0.1:${binding?.hostPort}/index.html`);
    expect(await page.text()).toContain('berth busybox');

    stop(spec.taskId);
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(stopped.last?.executionStoppedAt).toBeTypeOf('number');
    expect(await containersWithLabel(`com.berth.task-id=${spec.taskId}`)).toHaveLength(1);
    expect(fake.invalidBodies).toEqual([]);
  });

  it('reports an essential container that exits 3 as STOPPED with its exit code', async () => {
    const spec = run([busybox('job', ['sh', '-c', 'exit 3'])]);
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(stopped.last).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'job', lastStatus: 'STOPPED', exitCode: 3 }],
    });
  });

  it('applies cpu and memory limits the engine shows in docker inspect', async () => {
    const spec = fake.runTask(
      agent.instanceId,
      [busybox('limited', ['sleep', '600'], { cpu: 256, memory: 128, memoryReservation: 64, stopTimeout: 1 })],
      { cpu: 512 },
    );
    const running = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const inspected = await dockerInspect(running.last?.containers[0]?.runtimeId ?? '');
    expect(inspected.HostConfig).toMatchObject({
      CpuShares: 256,
      CpuPeriod: 100_000,
      CpuQuota: 50_000,
      Memory: 128 * 1024 * 1024,
      MemoryReservation: 64 * 1024 * 1024,
    });
    expect(inspected.Config.Labels).toMatchObject({
      'com.berth.cluster': cluster,
      'com.berth.task-id': spec.taskId,
      'com.berth.container-name': 'limited',
      'com.berth.instance-id': agent.instanceId,
    });
    stop(spec.taskId);
    await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
  });

  it('reports an image that cannot be pulled as STOPPED with CannotPullContainerError', async () => {
    // Nothing listens on port 1, so the pull fails at once instead of waiting on a network.
    const spec = run([{ name: 'ghost', image: '127.0.0.1:1/berth-test/missing:latest', memory: 32 }]);
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(stopped.last?.stopCode).toBe('TaskFailedToStart');
    expect(stopped.last?.stoppedReason).toMatch(/^CannotPullContainerError: /);
    expect(stopped.last?.containers[0]?.reason).toMatch(/^CannotPullContainerError: /);
    expect(await containersWithLabel(`com.berth.task-id=${spec.taskId}`)).toEqual([]);
  });

  it('starts a container only once its SUCCESS dependency has exited 0', async () => {
    const spec = run([
      busybox('init', ['sh', '-c', 'echo ready > /tmp/x'], { essential: false }),
      busybox('app', ['sleep', '600'], {
        dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }],
        stopTimeout: 1,
      }),
    ]);
    const running = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    expect(running.last?.containers).toMatchObject([
      { name: 'init', lastStatus: 'STOPPED', exitCode: 0 },
      { name: 'app', lastStatus: 'RUNNING' },
    ]);
    stop(spec.taskId);
    await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
  });

  it('stops the task, saying why, when a SUCCESS dependency exits non-zero', async () => {
    const spec = run([
      busybox('init', ['sh', '-c', 'exit 1'], { essential: false }),
      busybox('app', ['sleep', '600'], { dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] }),
    ]);
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(stopped.last?.stopCode).toBe('TaskFailedToStart');
    expect(stopped.last?.stoppedReason).toContain("dependency 'init' (SUCCESS) exited with code 1");
    expect(stopped.last?.containers.find((c) => c.name === 'app')?.runtimeId).toBeDefined();
  });

  it.each([
    ['configured', 'arn:aws:secretsmanager:us-east-1:000000000000:secret:registry', /connection refused/],
    ['not configured', 'arn:aws:secretsmanager:us-east-1:000000000000:secret:other', /not configured on this agent/],
  ])('pulls with repository credentials that are %s, or says why not', async (_, credentialsParameter, message) => {
    const spec = run([
      {
        name: 'private',
        image: '127.0.0.1:1/team/private:1',
        memory: 32,
        repositoryCredentials: { credentialsParameter },
      },
    ]);
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(stopped.last?.stoppedReason).toMatch(/^CannotPullContainerError: /);
    expect(stopped.last?.stoppedReason).toMatch(message);
  });

  it('refuses a privileged container with the reason instead of running it', async () => {
    const spec = run([busybox('root', ['sleep', '600'], { privileged: true })]);
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(stopped.last?.stopCode).toBe('TaskFailedToStart');
    expect(stopped.last?.stoppedReason).toMatch(/^CannotCreateContainerError: .*privileged mode/);
    expect(await containersWithLabel(`com.berth.task-id=${spec.taskId}`)).toEqual([]);
  });
});
