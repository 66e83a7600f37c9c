import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeContainerRuntime } from '../support/fake-container-runtime.ts';
import { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { waitFor } from '../support/wait.ts';
import { removeTempDirs, savedRecord, startTestAgent, tempStateDir, uniqueCluster } from './support.ts';

/**
 * The agent drives the container runtime it is handed (AgentOptions.runtime):
 * here an in-memory one, so the whole agent runs a task without Docker, and
 * lets go of it as it stops.
 */
describe('an agent handed its container runtime', () => {
  let fake: FakeControlPlane;

  beforeAll(async () => {
    fake = await FakeControlPlane.start();
  });

  afterAll(async () => {
    await fake.close();
    removeTempDirs();
  });

  it('registers with what that runtime reports, runs a task on it and closes it when stopped', async () => {
    const runtime = new FakeContainerRuntime();
    const stateDir = tempStateDir();
    const agent = await startTestAgent(fake, uniqueCluster('injected'), { runtime, stateDir });
    try {
      const instance = fake.instances.get(agent.instanceId);
      expect(instance?.registrations[0]?.resources.cpu).toBe(2 * 1024);
      const spec = fake.runTask(agent.instanceId, [{ name: 'app', image: 'in-memory/app', memory: 16 }]);
      const task = await fake.waitForTask(spec.taskId, (t) =>
        t.received.some((report) => report.lastStatus === 'RUNNING'),
      );
      // The answer recorded too, so nothing is in flight when the agent stops.
      const running = task.received.find((report) => report.lastStatus === 'RUNNING');
      await waitFor(
        () => ((savedRecord(stateDir, spec.taskId)?.answeredSeq ?? 0) >= (running?.seq ?? 1) ? true : undefined),
        { timeoutMs: 10_000, what: 'the RUNNING report answered' },
      );
      expect(runtime.list()).toEqual([expect.objectContaining({ image: 'in-memory/app', state: 'running' })]);
      expect(runtime.calls[0]).toBe('pullImage in-memory/app');
    } finally {
      await agent.stop();
    }
    expect(runtime.closed).toBe(true);
  });
});
