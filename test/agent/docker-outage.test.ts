import { describe, expect, it } from 'vitest';
import { agentBehindProxy } from './agent-behind-proxy.ts';
import { busybox, containersWithLabel, docker, dockerInspect, eventually } from './support.ts';

const suite = agentBehindProxy('outage');

describe('an unreachable container engine', () => {
  it('keeps the agent going, and it reconciles once the engine is back', async () => {
    const { cluster, proxy, logger, fake, agent } = suite;
    const steady = fake.runTask(agent.instanceId, [busybox('steady', ['sleep', '600'], { stopTimeout: 1 })]);
    const quitter = fake.runTask(agent.instanceId, [
      busybox('quitter', ['sh', '-c', 'while [ ! -f /tmp/go ]; do sleep 0.1; done; exit 5']),
    ]);
    agent.pollNow();
    await fake.waitForTask(steady.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    await fake.waitForTask(quitter.taskId, (t) => t.last?.lastStatus === 'RUNNING');

    await proxy.cut();
    // While the agent cannot see the engine: a container exits, a stop and a new task arrive.
    await docker('exec', fake.tasks.get(quitter.taskId)?.last?.containers[0]?.runtimeId ?? '', 'touch', '/tmp/go');
    fake.stopTask(steady.taskId);
    const late = fake.runTask(agent.instanceId, [busybox('late', ['sleep', '600'], { stopTimeout: 1 })]);
    const instance = fake.instances.get(agent.instanceId);
    const polls = instance?.polls ?? 0;
    // Still polling (heartbeats go on) without the engine.
    await fake.waitFor(() => ((instance?.polls ?? 0) >= polls + 3 ? true : undefined));
    expect(await containersWithLabel(`com.berth.task-id=${late.taskId}`)).toEqual([]);
    expect(logger.lines.some((line) => line.includes('Lost the container engine'))).toBe(true);

    await proxy.start();
    const exited = await fake.waitForTask(quitter.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(exited.last?.containers[0]?.exitCode).toBe(5);
    await fake.waitForTask(steady.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    const started = await fake.waitForTask(late.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const lateId = started.last?.containers[0]?.runtimeId ?? '';
    await eventually(
      async () => ((await dockerInspect(lateId)).State.Status === 'running' ? true : undefined),
      5_000,
      'late running',
    );
    expect(await containersWithLabel(`com.berth.cluster=${cluster}`)).toHaveLength(3);
  });
});
