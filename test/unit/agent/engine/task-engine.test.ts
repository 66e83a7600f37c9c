import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adoptListing } from '#agent/engine/adoption.ts';
import { applyAssignments } from '#agent/engine/assignments.ts';
import { HostPortAllocator, portsHeld } from '#agent/engine/host-ports.ts';
import { StepRunner } from '#agent/engine/steps.ts';
import { TaskEngine } from '#agent/engine/task-engine.ts';
import { createSecretResolver } from '#agent/secrets/secret-resolver.ts';
import { StateDir } from '#agent/state/state-dir.ts';
import { instanceSelector, LABELS } from '#shared/agent/labels.ts';
import type { ReportBody } from '#shared/agent/report.ts';
import { ManualClock } from '#shared/ports/clock.ts';
import { FakeContainerRuntime } from '#test/support/fake-container-runtime.ts';
import { aSpec } from '#test/unit/shared/agent/fixtures.ts';

const CLUSTER = 'c1';
const INSTANCE = 'i-fake';
const TASK_DEFINITION_ARN = 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:3';
const arnOf = (taskId: string): string => `arn:aws:ecs:us-east-1:000000000000:task/${CLUSTER}/${taskId}`;

/** A clock that only moves when told to, and remembers every wait asked of it. */
class RecordingClock extends ManualClock {
  readonly slept: number[] = [];
  override sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    return super.sleep(ms);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A TaskEngine over the in-memory runtime: no Docker, a state directory of its own, reports collected. */
function engineOnFakeRuntime() {
  const clock = new RecordingClock();
  const runtime = new FakeContainerRuntime(() => clock.now());
  const logger = { info: () => {}, warn: () => {}, error: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'berth-engine-unit-'));
  dirs.push(dir);
  const reports: { taskId: string; seq: number; body: ReportBody }[] = [];
  const steps = new StepRunner({
    runtime,
    secrets: createSecretResolver({}),
    ports: new HostPortAllocator({
      range: { from: 49153, to: 65535 },
      reservedTcp: [],
      reservedUdp: [],
      random: () => 0.5,
      isFree: async () => true,
    }),
    instanceId: () => INSTANCE,
    heldPorts: () => portsHeld(engine.list()),
  });
  const engine: TaskEngine = new TaskEngine({
    steps,
    state: new StateDir(dir, logger),
    clock,
    logger,
    defaultStopTimeoutSeconds: 30,
    fetchSpec: async (taskId) => ({
      ok: true,
      value: aSpec(undefined, { taskId, taskArn: arnOf(taskId), clusterName: CLUSTER }),
    }),
    report: (taskId, seq, body) => {
      reports.push({ taskId, seq, body });
      engine.dispatch(taskId, { type: 'report-answered', seq });
    },
    onRuntimeTrouble: () => {},
  });
  engine.setRuntimeUp(true);
  const settled = async (taskId: string, status: string): Promise<void> => {
    const reached = await engine.waitFor(() => engine.get(taskId)?.status === status, 10_000);
    expect(reached, `task ${taskId} ${status}; it is ${engine.get(taskId)?.status}`).toBe(true);
  };
  const assign = (taskId: string, desiredStatus: 'RUNNING' | 'STOPPED'): void =>
    applyAssignments(
      engine,
      [{ taskId, taskArn: arnOf(taskId), taskDefinitionArn: TASK_DEFINITION_ARN, desiredStatus }],
      {
        draining: false,
      },
    );
  return { clock, runtime, engine, reports, settled, assign };
}

describe('TaskEngine on an in-memory container runtime', () => {
  it('starts an assigned task: pulls the missing image, creates and starts its labelled container, reports RUNNING', async () => {
    const { runtime, engine, reports, settled, assign } = engineOnFakeRuntime();
    assign('t1', 'RUNNING');
    await settled('t1', 'RUNNING');
    const [container] = runtime.list();
    expect(runtime.list()).toHaveLength(1);
    expect(container).toMatchObject({ state: 'running', image: 'busybox' });
    expect(container?.labels).toMatchObject({
      [LABELS.taskId]: 't1',
      [LABELS.containerName]: 'app',
      [LABELS.instanceId]: INSTANCE,
    });
    expect(runtime.calls).toEqual([
      'pullImage busybox',
      'createContainer berth-t1-app',
      `startContainer ${container?.runtimeId}`,
    ]);
    expect(engine.get('t1')?.containers[0]?.runtimeId).toBe(container?.runtimeId);
    expect(reports.at(-1)?.body.lastStatus).toBe('RUNNING');
  });

  it('stops a task the control plane wants stopped and reports it STOPPED with the exit code', async () => {
    const { runtime, reports, settled, assign } = engineOnFakeRuntime();
    assign('t1', 'RUNNING');
    await settled('t1', 'RUNNING');
    assign('t1', 'STOPPED');
    await settled('t1', 'STOPPED');
    expect(runtime.list()[0]).toMatchObject({ state: 'exited', exitCode: 143 });
    const last = reports.at(-1)?.body;
    expect(last?.lastStatus).toBe('STOPPED');
    expect(last?.containers[0]).toMatchObject({ name: 'app', exitCode: 143 });
  });

  it('waits on its clock before it tries a rejected stop again, and then stops the task', async () => {
    const { clock, runtime, settled, assign } = engineOnFakeRuntime();
    assign('t1', 'RUNNING');
    await settled('t1', 'RUNNING');
    runtime.failNext('stopContainer', { kind: 'rejected', message: 'the engine refused the stop' });
    assign('t1', 'STOPPED');
    await settled('t1', 'STOPPED');
    expect(clock.slept).toEqual([2_000]);
    expect(runtime.calls.filter((c) => c.startsWith('stopContainer'))).toHaveLength(2);
  });

  it('never starts a task taken on as already stopped, and reports it STOPPED', async () => {
    const { runtime, reports, settled, assign } = engineOnFakeRuntime();
    assign('t1', 'STOPPED');
    await settled('t1', 'STOPPED');
    expect(runtime.calls).toEqual([]);
    expect(reports.at(-1)?.body.lastStatus).toBe('STOPPED');
  });

  it('adopts a running container an earlier agent left, without creating another, while the control plane wants it', async () => {
    const { runtime, engine, settled } = engineOnFakeRuntime();
    const labels = {
      ...instanceSelector(CLUSTER, INSTANCE),
      [LABELS.taskId]: 't9',
      [LABELS.taskArn]: arnOf('t9'),
      [LABELS.containerName]: 'app',
    };
    const runtimeId = runtime.seed({ name: 'berth-t9-app', image: 'busybox', labels });
    engine.setAssigned(new Map([['t9', 'RUNNING']]));
    const listing = await runtime.listContainers(instanceSelector(CLUSTER, INSTANCE));
    adoptListing(engine, listing.ok ? listing.value : [], { knownBefore: new Set(), defaultStopTimeoutSeconds: 30 });
    await settled('t9', 'RUNNING');
    expect(engine.get('t9')?.containers[0]?.runtimeId).toBe(runtimeId);
    expect(runtime.calls).toEqual([]);
  });

  it('stops an adopted container the control plane no longer assigns here', async () => {
    const { runtime, engine, settled } = engineOnFakeRuntime();
    const labels = {
      ...instanceSelector(CLUSTER, INSTANCE),
      [LABELS.taskId]: 't9',
      [LABELS.taskArn]: arnOf('t9'),
      [LABELS.containerName]: 'app',
    };
    const runtimeId = runtime.seed({ name: 'berth-t9-app', image: 'busybox', labels });
    engine.setAssigned(new Map());
    const listing = await runtime.listContainers(instanceSelector(CLUSTER, INSTANCE));
    adoptListing(engine, listing.ok ? listing.value : [], { knownBefore: new Set(), defaultStopTimeoutSeconds: 30 });
    await settled('t9', 'STOPPED');
    expect(runtime.container(runtimeId)?.state).toBe('exited');
    expect(runtime.calls).toEqual([`stopContainer ${runtimeId}`]);
  });
});
