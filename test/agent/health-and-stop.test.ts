import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '#agent/index.ts';
import type { TaskSpec } from '#shared/schemas/agent-api.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { busybox, removeClusterContainers, removeTempDirs, startTestAgent, uniqueCluster } from './support.ts';

const cluster = uniqueCluster('health');
let fake: FakeControlPlane;
let agent: AgentHandle;

beforeAll(async () => {
  await ensureBusyboxImage();
  fake = await FakeControlPlane.start();
  agent = await startTestAgent(fake, cluster);
});

afterAll(async () => {
  await agent?.stop();
  await fake?.close();
  await removeClusterContainers(cluster);
  removeTempDirs();
});

function run(containers: ContainerDefinition[]): TaskSpec {
  const spec = fake.runTask(agent.instanceId, containers);
  agent.pollNow();
  return spec;
}

function stop(taskId: string): void {
  fake.stopTask(taskId);
  agent.pollNow();
}

describe('health checks', () => {
  const check = (command: string[]) => ({ command, interval: 5, timeout: 2, retries: 1 });

  it('reports a failing check as UNHEALTHY, and a passing one as HEALTHY, per container and per task', async () => {
    // Both tasks at once: the shortest interval ECS allows is 5 s, and one result is enough.
    const sick = run([
      busybox('sick', ['sleep', '600'], { stopTimeout: 1, healthCheck: check(['CMD-SHELL', 'exit 1']) }),
    ]);
    const mixed = run([
      busybox('fine', ['sleep', '600'], { stopTimeout: 1, healthCheck: check(['CMD', 'true']) }),
      busybox('side', ['sleep', '600'], {
        stopTimeout: 1,
        essential: false,
        healthCheck: check(['CMD-SHELL', 'exit 1']),
      }),
    ]);
    const running = await fake.waitForTask(sick.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    expect(running.last?.containers[0]?.healthStatus).toBe('UNKNOWN');

    const unhealthy = await fake.waitForTask(sick.taskId, (t) => t.last?.healthStatus === 'UNHEALTHY');
    expect(unhealthy.last?.containers[0]?.healthStatus).toBe('UNHEALTHY');
    // A non-essential container's health does not count for the task's.
    const healthy = await fake.waitForTask(
      mixed.taskId,
      (t) => t.last?.healthStatus === 'HEALTHY' && t.last.containers[1]?.healthStatus === 'UNHEALTHY',
    );
    expect(healthy.last?.containers[0]?.healthStatus).toBe('HEALTHY');

    stop(sick.taskId);
    stop(mixed.taskId);
    await fake.waitForTask(sick.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    await fake.waitForTask(mixed.taskId, (t) => t.last?.lastStatus === 'STOPPED');
  });
});

describe('stopping', () => {
  it('sends SIGTERM, then SIGKILL after stopTimeout to a container that ignores SIGTERM', async () => {
    const spec = run([
      busybox('stubborn', ['sh', '-c', "trap '' TERM; while true; do sleep 1; done"], { stopTimeout: 3 }),
    ]);
    await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const asked = Date.now();
    stop(spec.taskId);
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    const took = (stopped.last?.executionStoppedAt ?? 0) - asked;
    expect(took).toBeGreaterThanOrEqual(2_500);
    expect(took).toBeLessThan(10_000);
    // 137 = killed by SIGKILL.
    expect(stopped.last?.containers[0]?.exitCode).toBe(137);
  });

  it('lets a container that handles SIGTERM exit at once with its own code', async () => {
    const spec = run([
      busybox('polite', ['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 0.2; done"], { stopTimeout: 20 }),
    ]);
    await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const asked = Date.now();
    stop(spec.taskId);
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect((stopped.last?.executionStoppedAt ?? 0) - asked).toBeLessThan(5_000);
    expect(stopped.last?.containers[0]?.exitCode).toBe(0);
  });
});
