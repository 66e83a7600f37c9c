import { describe, expect, it } from 'vitest';
import { agentBehindProxy } from './agent-behind-proxy.ts';
import { busybox, containersWithLabel, docker, dockerInspect } from './support.ts';

/** How long the engine stays stuck: longer than every deadline the agent has on it here. */
const HANG_MS = 20_000;

const suite = agentBehindProxy('hang', {
  // Shorter than the defaults (30 s, 10 s) so the test finds the hang in seconds, yet
  // long enough that a loaded machine's slow answer is not taken for a hang.
  engineTimeouts: { callMs: 5_000, livenessIntervalMs: 500 },
});

describe('a container engine that hangs and recovers', () => {
  it('is reported unresponsive, and the agent resyncs once it answers again', async () => {
    const { cluster, proxy, logger, fake, agent } = suite;
    const killed = fake.runTask(agent.instanceId, [busybox('killed', ['sleep', '600'], { stopTimeout: 1 })]);
    // A stop grace period longer than the whole hang: only a resync after it can stop this task in time.
    const stopped = fake.runTask(agent.instanceId, [
      busybox('stopped', ['sleep', '600'], { stopTimeout: 30, linuxParameters: { initProcessEnabled: true } }),
    ]);
    agent.pollNow();
    const killedRunning = await fake.waitForTask(killed.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const stoppedRunning = await fake.waitForTask(stopped.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const killedId = killedRunning.last?.containers[0]?.runtimeId ?? '';
    const stoppedId = stoppedRunning.last?.containers[0]?.runtimeId ?? '';
    const instance = fake.instances.get(agent.instanceId);
    await fake.waitFor(() => (instance?.engineStatuses.at(-1) === 'RESPONSIVE' ? true : undefined));
    const reportedBefore = instance?.engineStatuses.length ?? 0;

    const hungAt = Date.now();
    proxy.hang();
    // Behind the agent's back, on the real engine: its event of this is swallowed by the hang.
    await docker('kill', killedId);
    fake.stopTask(stopped.taskId);
    agent.pollNow();
    await fake.waitFor(
      () =>
        (instance?.engineStatuses.length ?? 0) > reportedBefore && instance?.engineStatuses.at(-1) === 'UNRESPONSIVE'
          ? true
          : undefined,
      15_000,
      () => JSON.stringify(instance?.engineStatuses),
    );
    // Still heartbeating, and claiming nothing it cannot see.
    const polls = instance?.polls ?? 0;
    await fake.waitFor(() => ((instance?.polls ?? 0) >= polls + 3 ? true : undefined));
    expect(fake.tasks.get(killed.taskId)?.last?.lastStatus).toBe('RUNNING');
    // The fault lasts a fixed time; nothing to wait for but the clock.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, HANG_MS - (Date.now() - hungAt))));
    expect((await dockerInspect(stoppedId)).State.Status).toBe('running');

    proxy.resume();
    const exited = await fake.waitForTask(killed.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(exited.last?.containers[0]?.exitCode).toBe(137);
    await fake.waitForTask(stopped.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect((await dockerInspect(stoppedId)).State.Status).toBe('exited');
    await fake.waitFor(
      () => (instance?.engineStatuses.at(-1) === 'RESPONSIVE' ? true : undefined),
      10_000,
      () => `${JSON.stringify(instance?.engineStatuses)}\n${logger.lines.join('\n')}`,
    );
    expect(await containersWithLabel(`com.berth.cluster=${cluster}`)).toHaveLength(2);
    expect(fake.invalidBodies).toEqual([]);
  }, 90_000);
});
