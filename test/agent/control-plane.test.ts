import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '#agent/index.ts';
import type { TaskSpec } from '#shared/schemas/agent-api.ts';
import { FakeControlPlane, type FakeTask } from '../fixtures/fake-control-plane.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import {
  busybox,
  containersWithLabel,
  docker,
  dockerInspect,
  eventually,
  memoryLogger,
  removeClusterContainers,
  removeTempDirs,
  savedRecord,
  startTestAgent,
  tempStateDir,
  uniqueCluster,
} from './support.ts';

const cluster = uniqueCluster('control');
let fake: FakeControlPlane;
let agent: AgentHandle | undefined;

beforeAll(async () => {
  await ensureBusyboxImage();
  fake = await FakeControlPlane.start({ pollIntervalSeconds: 0.2 });
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});

afterAll(async () => {
  await fake?.close();
  await removeClusterContainers(cluster);
  removeTempDirs();
});

const sleeper = (name: string) => busybox(name, ['sleep', '600'], { stopTimeout: 1 });
/** Exits with `code` once /tmp/go exists inside it. */
const quitter = (code: number) =>
  busybox('quitter', ['sh', '-c', `while [ ! -f /tmp/go ]; do sleep 0.1; done; exit ${code}`]);

async function running(spec: TaskSpec): Promise<FakeTask> {
  return fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
}

function runtimeId(spec: TaskSpec): string {
  return fake.tasks.get(spec.taskId)?.last?.containers[0]?.runtimeId ?? '';
}

async function state(spec: TaskSpec): Promise<string> {
  return (await dockerInspect(runtimeId(spec))).State.Status;
}

describe('the control plane as the agent sees it', () => {
  it('keeps containers running while the control plane is unreachable and delivers the queued reports after, in one request', async () => {
    const stateDir = tempStateDir();
    const started = await startTestAgent(fake, cluster, { stateDir });
    agent = started;
    const steady = fake.runTask(started.instanceId, [sleeper('steady')]);
    const leaving = [fake.runTask(started.instanceId, [quitter(4)]), fake.runTask(started.instanceId, [quitter(5)])];
    await running(steady);
    for (const spec of leaving) await running(spec);

    await fake.close();
    for (const spec of leaving) await docker('exec', runtimeId(spec), 'touch', '/tmp/go');
    // Both exits seen and recorded by the agent, their reports queued.
    await eventually(
      async () =>
        leaving.every((spec) => savedRecord(stateDir, spec.taskId)?.status === 'STOPPED') ? true : undefined,
      10_000,
      'both exits recorded',
    );
    for (const spec of leaving) expect(fake.tasks.get(spec.taskId)?.last?.lastStatus).toBe('RUNNING');
    expect(await state(steady)).toBe('running');

    const batchesBefore = fake.reportBatches.length;
    await fake.restart();
    for (const [i, spec] of leaving.entries()) {
      const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
      expect(stopped.last?.containers[0]?.exitCode).toBe(4 + i);
    }
    expect(fake.reportBatches[batchesBefore]).toEqual(expect.arrayContaining(leaving.map((spec) => spec.taskId)));
    expect(await state(steady)).toBe('running');
  });

  it('asks again for a spec the control plane could not give, without waiting for the instance to change', async () => {
    const started = await startTestAgent(fake, cluster);
    agent = started;
    fake.failSpecFetches = 2;
    const spec = fake.runTask(started.instanceId, [sleeper('patient')]);
    const polls = fake.instances.get(started.instanceId)?.polls ?? 0;
    await running(spec);
    expect(fake.failSpecFetches).toBe(0);
    // The instance's version stayed as it was: only polls that got through brought the retries.
    expect(fake.instances.get(started.instanceId)?.polls).toBeGreaterThan(polls + 1);
  });

  it('reports one task per request to a control plane without the batched endpoint', async () => {
    fake.takesBatchedReports = false;
    try {
      const started = await startTestAgent(fake, cluster);
      agent = started;
      const batchesBefore = fake.reportBatches.length;
      const spec = fake.runTask(started.instanceId, [quitter(3)]);
      await running(spec);
      await docker('exec', runtimeId(spec), 'touch', '/tmp/go');
      const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
      expect(stopped.last?.containers[0]?.exitCode).toBe(3);
      expect(fake.reportBatches.length).toBe(batchesBefore);
      expect(fake.invalidBodies).toEqual([]);
    } finally {
      fake.takesBatchedReports = true;
    }
  });

  it('re-registers when fenced and stops the tasks that were replaced meanwhile', async () => {
    const started = await startTestAgent(fake, cluster);
    agent = started;
    const kept = fake.runTask(started.instanceId, [sleeper('kept')]);
    const replaced = fake.runTask(started.instanceId, [sleeper('replaced')]);
    await running(kept);
    await running(replaced);
    const instance = fake.instances.get(started.instanceId);
    const registrations = instance?.registrations.length ?? 0;

    fake.fence(started.instanceId);
    fake.unassign(replaced.taskId);
    await eventually(async () => ((await state(replaced)) === 'exited' ? true : undefined), 15_000, 'replaced stopped');
    expect(instance?.registrations.length).toBe(registrations + 1);
    expect(instance?.registrations.at(-1)?.instanceId).toBe(started.instanceId);
    expect(await state(kept)).toBe('running');
  });

  it('starts nothing new while the instance is DRAINING', async () => {
    const started = await startTestAgent(fake, cluster);
    agent = started;
    const before = fake.runTask(started.instanceId, [sleeper('before')]);
    await running(before);

    fake.setStatus(started.instanceId, 'DRAINING');
    const refused = fake.runTask(started.instanceId, [sleeper('refused')]);
    const stopped = await fake.waitForTask(refused.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(stopped.last?.stopCode).toBe('TaskFailedToStart');
    expect(stopped.last?.stoppedReason).toMatch(/draining/);
    expect(await containersWithLabel(`com.berth.task-id=${refused.taskId}`)).toEqual([]);
    expect(await state(before)).toBe('running');
  });

  it('stops every task gracefully before exiting when stopped with drain', async () => {
    const started = await startTestAgent(fake, cluster);
    agent = undefined;
    const one = fake.runTask(started.instanceId, [sleeper('one')]);
    const two = fake.runTask(started.instanceId, [sleeper('two')]);
    await running(one);
    await running(two);

    await started.stop({ drain: true });
    for (const spec of [one, two]) {
      expect(fake.tasks.get(spec.taskId)?.last).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated' });
      expect(await state(spec)).toBe('exited');
    }
  });

  it('leaves containers running when stopped plainly', async () => {
    const started = await startTestAgent(fake, cluster);
    agent = undefined;
    const spec = fake.runTask(started.instanceId, [sleeper('stays')]);
    await running(spec);
    await started.stop();
    expect(await state(spec)).toBe('running');
  });

  it('takes no more work once the instance is deregistered, and leaves its containers alone', async () => {
    const logger = memoryLogger();
    const started = await startTestAgent(fake, cluster, { logger });
    agent = started;
    const spec = fake.runTask(started.instanceId, [sleeper('orphan')]);
    await running(spec);
    fake.setStatus(started.instanceId, 'INACTIVE');
    await eventually(
      async () => (logger.lines.some((l) => l.includes('was deregistered')) ? true : undefined),
      10_000,
      'log',
    );
    expect(await state(spec)).toBe('running');
  });

  it('removes the containers of stopped tasks after the cleanup delay', async () => {
    const started = await startTestAgent(fake, cluster, { cleanupDelaySeconds: 1 });
    agent = started;
    const spec = fake.runTask(started.instanceId, [busybox('brief', ['true'])]);
    await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    await eventually(
      async () => ((await containersWithLabel(`com.berth.task-id=${spec.taskId}`)).length === 0 ? true : undefined),
      10_000,
      'container removed',
    );
    expect(fake.instances.get(started.instanceId)?.assignments.has(spec.taskId)).toBe(false);
  });
});
