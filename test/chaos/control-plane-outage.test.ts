import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess } from '../support/agent-process.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { ControlPlaneProcess } from '../support/control-plane-process.ts';
import { waitFor } from '../support/wait.ts';
import { allTasks, chaosCluster, ecsClient, faultLasts, removeContainers, running, runningContainers } from './support.ts';

const cluster = chaosCluster('outage');
const TTL_SECONDS = 10;
const DESIRED = 6;

/**
 * The control plane is down (kill -9) for longer than the lease TTL while
 * the host and its agent stay healthy: nothing about the host changed, so
 * nothing on it may be stopped.
 */
describe('a control-plane outage longer than the TTL', () => {
  const controlPlane = new ControlPlaneProcess({ env: { BERTH_HEARTBEAT_TTL_SECONDS: String(TTL_SECONDS) } });
  let agent: AgentProcess;
  let ecs: ECSClient;

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    await controlPlane.start();
    ecs = ecsClient(controlPlane.endpoint, controlPlane.credentials);
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agent = new AgentProcess({
      endpoint: controlPlane.endpoint,
      cluster,
      registrationToken: () => controlPlane.registrationToken(cluster),
    });
    await agent.start();
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'outage',
        containerDefinitions: [{ name: 'app', image, memory: 16, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'outage', taskDefinition: 'outage', desiredCount: DESIRED }));
  });
  afterAll(async () => {
    ecs?.destroy();
    await agent?.stop();
    await controlPlane.stop();
    await removeContainers(cluster);
  });

  // FAILS on the current code for a known reason, being fixed in parallel: after
  // the restart the monitor judges the lease on wall-clock time, including the
  // outage in which no heartbeat could arrive, and stops all six healthy tasks
  // as "Task lost" and replaces them. Flip to `it` once the lease judges only
  // time the control plane could receive heartbeats.
  it.fails('stops zero tasks on a live host after the control plane comes back', async () => {
    const before = await waitFor(
      async () => {
        const tasks = running(await allTasks(ecs, cluster));
        return tasks.length === DESIRED ? tasks : undefined;
      },
      { timeoutMs: 60_000, what: `${DESIRED} RUNNING` },
    );
    const containers = await runningContainers({ 'com.berth.cluster': cluster });

    await controlPlane.kill9();
    await faultLasts(2 * TTL_SECONDS * 1000 + 5_000);
    await controlPlane.start();

    // Nothing may happen, so the test watches for two TTLs and a sweep after the restart.
    const watchUntil = Date.now() + 2 * TTL_SECONDS * 1000 + 5_000;
    while (Date.now() < watchUntil) {
      const tasks = await allTasks(ecs, cluster);
      const stopped = tasks.filter((t) => t.desiredStatus === 'STOPPED' || t.lastStatus === 'STOPPED');
      expect(stopped.map((t) => `${t.taskArn}: ${t.stoppedReason}`)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const after = await allTasks(ecs, cluster);
    expect(running(after).map((t) => t.taskArn).sort()).toEqual(before.map((t) => t.taskArn).sort());
    expect(after).toHaveLength(DESIRED);
    expect(await runningContainers({ 'com.berth.cluster': cluster })).toEqual(containers);
  });
});
