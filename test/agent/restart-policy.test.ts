import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '#agent/index.ts';
import { systemClock, type Clock } from '#shared/ports/clock.ts';
import { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import {
  busybox,
  containersWithLabel,
  docker,
  removeClusterContainers,
  removeTempDirs,
  startTestAgent,
  uniqueCluster,
} from './support.ts';

const cluster = uniqueCluster('restart');
let fake: FakeControlPlane;
let agent: AgentHandle;

/**
 * The agent's clock runs two minutes ahead of the engine's, so a container
 * that ran one second looks to the agent as if it ran past the shortest
 * restartAttemptPeriod ECS allows (60 s) since it started; the agent's own
 * restarts are stamped with that clock, so a second exit right after one
 * falls within the period.
 */
const aheadClock: Clock = { now: () => Date.now() + 120_000, sleep: systemClock.sleep };

beforeAll(async () => {
  await ensureBusyboxImage();
  fake = await FakeControlPlane.start();
  agent = await startTestAgent(fake, cluster, { clock: aheadClock });
});

afterAll(async () => {
  await agent?.stop();
  await fake?.close();
  await removeClusterContainers(cluster);
  removeTempDirs();
});

async function runs(taskId: string): Promise<{ id: string; lines: string[] }> {
  const [id] = await containersWithLabel(`com.berth.task-id=${taskId}`);
  const logs = await docker('logs', id ?? 'missing');
  return { id: id ?? '', lines: logs.split('\n').filter((l) => l === 'run') };
}

describe('a container restart policy on real containers', { timeout: 90_000 }, () => {
  it('restarts an essential container in place once, then lets an exit within the period stop the task', async () => {
    const spec = fake.runTask(agent.instanceId, [
      busybox('app', ['sh', '-c', 'echo run; sleep 1; exit 3'], {
        restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 },
      }),
    ]);
    agent.pollNow();
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED', 60_000);
    expect(stopped.last?.stopCode).toBe('EssentialContainerExited');
    expect(stopped.last?.containers[0]?.exitCode).toBe(3);
    // One container, started twice: the restart was in place, not a new container or a new task.
    const { id, lines } = await runs(spec.taskId);
    expect(lines).toHaveLength(2);
    expect(await containersWithLabel(`com.berth.task-id=${spec.taskId}`)).toEqual([id]);
  });

  it('does not restart a container whose exit code is ignored', async () => {
    const spec = fake.runTask(agent.instanceId, [
      busybox('app', ['sh', '-c', 'echo run; sleep 1; exit 0'], {
        restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 },
      }),
    ]);
    agent.pollNow();
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED', 60_000);
    expect(stopped.last?.containers[0]?.exitCode).toBe(0);
    expect((await runs(spec.taskId)).lines).toHaveLength(1);
  });
});
