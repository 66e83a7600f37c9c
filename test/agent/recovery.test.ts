import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '#agent/index.ts';
import { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import {
  busybox,
  containersWithLabel,
  docker,
  dockerInspect,
  eventually,
  removeClusterContainers,
  removeTempDirs,
  savedRecord,
  startTestAgent,
  tempStateDir,
  uniqueCluster,
} from './support.ts';

const cluster = uniqueCluster('recovery');
const launcher = fileURLToPath(new URL('../../bin/berth-agent.js', import.meta.url));
let fake: FakeControlPlane;
let child: ChildProcess | undefined;
/** In-process agents, stopped in afterAll even when a test fails half-way. */
const inProcess: AgentHandle[] = [];
let output = '';

/** The real `berth-agent` command, as a child process that can be killed with SIGKILL. */
function spawnAgent(stateDir: string): ChildProcess {
  const process_ = spawn(
    process.execPath,
    [
      launcher,
      '--endpoint',
      fake.url,
      '--cluster',
      cluster,
      '--state-dir',
      stateDir,
      '--no-imds',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  process_.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  });
  return process_;
}

function killHard(process_: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    process_.once('exit', () => resolve());
    process_.kill('SIGKILL');
  });
}

beforeAll(async () => {
  await ensureBusyboxImage();
  fake = await FakeControlPlane.start({ pollIntervalSeconds: 0.2 });
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) await killHard(child);
  for (const agent of inProcess) await agent.stop();
  await fake?.close();
  await removeClusterContainers(cluster);
  removeTempDirs();
});

describe('recovery after kill -9', () => {
  it('adopts what runs, reports what stopped meanwhile with its exit code, and runs nothing twice', async () => {
    const stateDir = tempStateDir();
    child = spawnAgent(stateDir);
    const instance = await fake.waitFor(
      () => [...fake.instances.values()].find((i) => i.cluster === cluster),
      30_000,
      () => output,
    );
    const sleepers = [1, 2, 3, 4].map((n) =>
      fake.runTask(instance.id, [busybox(`sleeper${n}`, ['sleep', '600'], { stopTimeout: 1 })]),
    );
    // Exits 7 once /tmp/go exists, which the test creates while the agent is dead.
    const quitter = fake.runTask(instance.id, [
      busybox('quitter', ['sh', '-c', 'while [ ! -f /tmp/go ]; do sleep 0.1; done; exit 7']),
    ]);
    const all = [...sleepers, quitter];
    for (const spec of all) await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING', 30_000);
    const quitterSeq = fake.tasks.get(quitter.taskId)?.seq ?? 0;

    await killHard(child);
    const quitterId = fake.tasks.get(quitter.taskId)?.last?.containers[0]?.runtimeId ?? '';
    await docker('exec', quitterId, 'touch', '/tmp/go');
    await eventually(
      async () => ((await dockerInspect(quitterId)).State.Status === 'exited' ? true : undefined),
      10_000,
      'quitter exit',
    );

    child = spawnAgent(stateDir);
    const stopped = await fake.waitForTask(quitter.taskId, (t) => t.last?.lastStatus === 'STOPPED', 30_000);
    expect(stopped.last).toMatchObject({ stopCode: 'EssentialContainerExited', containers: [{ exitCode: 7 }] });
    // The sequence went on from where it was before the kill: the report was applied, not ignored.
    expect(stopped.seq).toBeGreaterThan(quitterSeq);
    expect(instance.registrations.at(-1)?.instanceId).toBe(instance.id);

    // One container per task, the same ones as before, the four sleepers still running.
    expect(await containersWithLabel(`com.berth.cluster=${cluster}`)).toHaveLength(5);
    for (const spec of sleepers) {
      const ids = await containersWithLabel(`com.berth.task-id=${spec.taskId}`);
      expect(ids).toEqual([fake.tasks.get(spec.taskId)?.last?.containers[0]?.runtimeId]);
      expect((await dockerInspect(ids[0] ?? '')).State.Status).toBe('running');
      expect(fake.tasks.get(spec.taskId)?.last?.lastStatus).toBe('RUNNING');
    }

    // Adopted means managed: a stop from the control plane reaches an adopted task.
    const [first] = sleepers;
    fake.stopTask(first?.taskId ?? '');
    await fake.waitForTask(first?.taskId ?? '', (t) => t.last?.lastStatus === 'STOPPED', 30_000);
    expect(fake.invalidBodies).toEqual([]);

    // A plain SIGTERM ends the agent and nothing else.
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const spec of sleepers.slice(1)) {
      const [id] = await containersWithLabel(`com.berth.task-id=${spec.taskId}`);
      expect((await dockerInspect(id ?? '')).State.Status).toBe('running');
    }
  });

  it('delivers after a restart a report that was still queued when the agent was killed', async () => {
    const stateDir = tempStateDir();
    const known = new Set(fake.instances.keys());
    child = spawnAgent(stateDir);
    const instance = await fake.waitFor(
      () => [...fake.instances.values()].find((i) => !known.has(i.id)),
      30_000,
      () => output,
    );
    const spec = fake.runTask(instance.id, [
      busybox('quitter', ['sh', '-c', 'while [ ! -f /tmp/go ]; do sleep 0.1; done; exit 6']),
    ]);
    const running = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING', 30_000);

    await fake.close();
    await docker('exec', running.last?.containers[0]?.runtimeId ?? '', 'touch', '/tmp/go');
    // The agent has seen the exit and queued the report, which the closed control plane cannot take.
    await eventually(
      async () => {
        const saved = savedRecord(stateDir, spec.taskId);
        return saved?.status === 'STOPPED' && saved.answeredSeq < saved.seq ? true : undefined;
      },
      15_000,
      'STOPPED recorded but unanswered',
    );
    await killHard(child);

    await fake.restart();
    child = spawnAgent(stateDir);
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED', 30_000);
    expect(stopped.last?.containers[0]?.exitCode).toBe(6);
  });

  it('adopts containers whose task records are lost, keeping what is assigned and stopping what is not', async () => {
    const stateDir = tempStateDir();
    const first = await startTestAgent(fake, cluster, { stateDir });
    inProcess.push(first);
    const kept = fake.runTask(first.instanceId, [busybox('kept', ['sleep', '600'], { stopTimeout: 1 })]);
    const dropped = fake.runTask(first.instanceId, [busybox('dropped', ['sleep', '600'], { stopTimeout: 1 })]);
    first.pollNow();
    const keptId = (await fake.waitForTask(kept.taskId, (t) => t.last?.lastStatus === 'RUNNING')).last?.containers[0]
      ?.runtimeId;
    await fake.waitForTask(dropped.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    await first.stop();

    // The records are gone; only the containers' labels say what they are.
    rmSync(join(stateDir, 'tasks'), { recursive: true });
    fake.unassign(dropped.taskId);
    const second = await startTestAgent(fake, cluster, { stateDir });
    inProcess.push(second);
    expect(second.instanceId).toBe(first.instanceId);
    const droppedId = await containersWithLabel(`com.berth.task-id=${dropped.taskId}`);
    await eventually(
      async () => ((await dockerInspect(droppedId[0] ?? '')).State.Status === 'exited' ? true : undefined),
      15_000,
      'dropped stopped',
    );
    expect(await containersWithLabel(`com.berth.task-id=${kept.taskId}`)).toEqual([keptId]);
    expect((await dockerInspect(keptId ?? '')).State.Status).toBe('running');

    fake.stopTask(kept.taskId);
    second.pollNow();
    await fake.waitForTask(kept.taskId, (t) => t.last?.lastStatus === 'STOPPED');
  });
});
