import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type AgentHandle } from '#agent/index.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { ControlPlaneProcess } from '../support/control-plane-process.ts';
import { waitFor } from '../support/wait.ts';
import {
  allTasks,
  chaosCluster,
  ecsClient,
  faultLasts,
  removeContainers,
  running,
  runningContainers,
} from './support.ts';

const cluster = chaosCluster('outage');
const TTL_SECONDS = 10;
const DESIRED = 6;
/**
 * With its jitter drawn at the top, the agent's default backoff retries
 * about 0.5, 1.5, 3.5, 7.4, 15, 31 and 61 s after it lost the control
 * plane; an outage of 33 s (plus the restart) ends between the last two, so
 * the agent comes back as late as its own backoff allows, 20 s or more after
 * the restart. Any jitter is legitimate, and this one makes the run repeatable.
 */
const OUTAGE_MS = 33_000;
const WORST_JITTER = () => 0.99;

/**
 * The control plane is down (kill -9) for longer than the lease TTL while
 * the host and its agent stay healthy: nothing about the host changed, so
 * nothing on it may be stopped.
 */
describe('a control-plane outage longer than the TTL', () => {
  const controlPlane = new ControlPlaneProcess({ env: { BERTH_HEARTBEAT_TTL_SECONDS: String(TTL_SECONDS) } });
  let agent: AgentHandle;
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-chaos-agent-'));
  let ecs: ECSClient;

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    await controlPlane.start();
    ecs = ecsClient(controlPlane.endpoint, controlPlane.credentials);
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    // The agent runs in this process (only the control plane is killed), on its default backoff.
    agent = await startAgent({
      endpoint: controlPlane.endpoint,
      cluster,
      registrationToken: await controlPlane.registrationToken(cluster),
      stateDir,
      imds: false,
      random: WORST_JITTER,
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    });
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'outage',
        containerDefinitions: [{ name: 'app', image, memory: 16, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({ cluster, serviceName: 'outage', taskDefinition: 'outage', desiredCount: DESIRED }),
    );
  });
  afterAll(async () => {
    ecs?.destroy();
    await agent?.stop();
    await controlPlane.destroy();
    await removeContainers(cluster);
    rmSync(stateDir, { recursive: true, force: true });
  });

  // The lease counts only time the control plane was up to hear heartbeats
  // (shared/control/availability.ts), and the agent's backoff is capped at its
  // poll interval, so an outage of any length stops nothing on a live host.
  it('stops zero tasks on a live host after the control plane comes back', async () => {
    const before = await waitFor(
      async () => {
        const tasks = running(await allTasks(ecs, cluster));
        return tasks.length === DESIRED ? tasks : undefined;
      },
      { timeoutMs: 60_000, what: `${DESIRED} RUNNING` },
    );
    const containers = await runningContainers({ 'com.berth.cluster': cluster });

    await controlPlane.kill9();
    await faultLasts(OUTAGE_MS);
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
    expect(
      running(after)
        .map((t) => t.taskArn)
        .sort(),
    ).toEqual(before.map((t) => t.taskArn).sort());
    expect(after).toHaveLength(DESIRED);
    expect(await runningContainers({ 'com.berth.cluster': cluster })).toEqual(containers);
  });
});
