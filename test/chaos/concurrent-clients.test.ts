import { CreateClusterCommand, RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlaneProcess } from '../support/control-plane-process.ts';
import { startHollowFleet, type HollowFleet } from '../support/hollow-fleet.ts';
import { countByCode, runMixedLoad } from '../support/mixed-load.ts';
import { chaosCluster, ecsClient } from './support.ts';

const cluster = chaosCluster('load');
const CLIENTS = 50;
const DURATION_MS = 60_000;
const HOSTS = 10;

/**
 * 50 SDK clients for a minute against dev mode (its own process), with
 * simulated agents taking the tasks: RunTask, StopTask, Describe* and List*
 * mixed. Refusals are allowed and counted by code; a server error is not.
 */
describe('50 concurrent clients', () => {
  const controlPlane = new ControlPlaneProcess();
  let ecs: ECSClient;
  let fleet: HollowFleet;

  beforeAll(async () => {
    await controlPlane.start();
    ecs = ecsClient(controlPlane.endpoint, controlPlane.credentials);
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'load',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 8, cpu: 1 }],
      }),
    );
    fleet = await startHollowFleet({
      endpoint: controlPlane.endpoint,
      cluster,
      count: HOSTS,
      registrationToken: await controlPlane.registrationToken(cluster, { uses: HOSTS }),
      resources: { cpu: 1_000_000, memory: 1_000_000 },
      pollIntervalMs: 2_000,
      longPollSeconds: 10,
    });
  });
  afterAll(async () => {
    await fleet?.stop();
    ecs?.destroy();
    await controlPlane.destroy();
  });

  it('answers no 5xx to a minute of mixed reads and writes', async () => {
    const result = await runMixedLoad({
      endpoint: controlPlane.endpoint,
      credentials: controlPlane.credentials,
      cluster,
      taskDefinition: 'load',
      clients: CLIENTS,
      durationMs: DURATION_MS,
    });
    const counts = countByCode(result.calls);
    // Refusals are reported, not failed on: StopTask's ConflictException is a known fault being fixed.
    console.log(`50 clients, 60 s: ${result.calls.length} calls, answers by code: ${JSON.stringify(counts)}`);
    console.log(`hollow fleet: ${JSON.stringify(fleet.stats)}`);
    expect(result.calls.length).toBeGreaterThan(CLIENTS);
    const serverErrors = result.calls.filter((c) => c.status >= 500 || c.status === 0);
    expect(serverErrors.map((c) => `${c.operation} ${c.status} ${c.code}`)).toEqual([]);
  });
});
