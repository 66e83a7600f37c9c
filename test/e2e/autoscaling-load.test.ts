import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateTaskProtectionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminCall } from '#cli/admin-client.ts';
import { clusterPolicyResponse } from '#shared/security/cluster-policy-api.ts';
import { awsCli } from '#test/support/aws-cli.ts';
import { scalableTargetArgs, trackCpuAtHalf } from '#test/support/service-scaling.ts';
import { startContainerCluster, type ContainerCluster } from '#test/support/container-cluster.ts';
import { waitFor } from '#test/support/wait.ts';

const CLUSTER = 'scale-load';
const SERVICE = 'burner';
const TARGET = scalableTargetArgs(CLUSTER, SERVICE);
/** Metrics are kept a minute at a time and read over the last minute: a change of load shows within about two. */
const METRIC_SETTLE_MS = 240_000;

interface Activity {
  Description: string;
  Cause: string;
  StatusCode: string;
}

/**
 * Auto scaling driven by real load: a service whose container spins a core
 * against a reservation of 64 cpu units until a file appears in a host
 * directory it mounts, an agent sampling every second, dev mode's own
 * monitor evaluating every few seconds, and the target, policy and
 * scheduled action made with the AWS CLI.
 */
describe('service auto scaling under real container load', { timeout: 900_000 }, () => {
  let cluster: ContainerCluster;
  let control: string;
  const autoScaling = (...args: string[]) => awsCli(cluster.berth, 'application-autoscaling', ...args);
  const service = async () =>
    (await cluster.berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] })))
      .services?.[0];
  const settledAt = (count: number, what: string) =>
    waitFor(
      async () => {
        const s = await service();
        return s?.desiredCount === count && s.runningCount === count && s.pendingCount === 0 ? s : undefined;
      },
      { timeoutMs: METRIC_SETTLE_MS, intervalMs: 1_000, what },
    );
  const activities = async () =>
    (
      (await autoScaling('describe-scaling-activities', '--service-namespace', 'ecs')) as {
        ScalingActivities: Activity[];
      }
    ).ScalingActivities;
  const runningTasks = async () => {
    const { taskArns = [] } = await cluster.berth.ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, serviceName: SERVICE, desiredStatus: 'RUNNING' }),
    );
    if (taskArns.length === 0) return [];
    return (await cluster.berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: taskArns }))).tasks ?? [];
  };

  beforeAll(async () => {
    control = mkdtempSync(join(tmpdir(), 'berth-scale-load-'));
    chmodSync(control, 0o755);
    cluster = await startContainerCluster(CLUSTER, 0);
    // The control directory is the one host path the cluster's policy lets tasks mount.
    const admin = adminCall({
      endpoint: cluster.berth.endpoint,
      region: 'us-east-1',
      credentials: cluster.berth.credentials,
    });
    await admin(clusterPolicyResponse, 'PUT', `/clusters/${CLUSTER}/policy`, { allowedHostPaths: [control] });
    await cluster.addAgent({ metricsIntervalSeconds: 1 });
    await cluster.berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: SERVICE,
        cpu: '64',
        memory: '32',
        volumes: [{ name: 'control', host: { sourcePath: control } }],
        containerDefinitions: [
          {
            name: 'app',
            image: cluster.image,
            // Busy until the test drops the file, then idle: the load stops without replacing a task.
            command: ['sh', '-c', 'while [ ! -f /control/idle ]; do :; done; exec sleep 3600'],
            mountPoints: [{ sourceVolume: 'control', containerPath: '/control', readOnly: true }],
            stopTimeout: 1,
          },
        ],
      }),
    );
    await cluster.berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: SERVICE, taskDefinition: SERVICE, desiredCount: 1 }),
    );
    await trackCpuAtHalf(
      cluster.berth,
      CLUSTER,
      SERVICE,
      { min: 1, max: 2 },
      { ScaleOutCooldown: 0, ScaleInCooldown: 20 },
    );
  });
  afterAll(async () => {
    await cluster?.stop();
    if (control) rmSync(control, { recursive: true, force: true });
  });

  it('scales out from the measured load, and the new task runs', async () => {
    const scaled = await settledAt(2, 'the service scaled out to two running tasks');
    expect(scaled.events?.map((e) => e.message)).toContainEqual(
      expect.stringContaining('was scaled to a desired count of 2 by Application Auto Scaling'),
    );
    const [latest] = await activities();
    expect(latest).toMatchObject({ StatusCode: 'Successful', Description: 'Setting desired count to 2.' });
    expect(latest?.Cause).toContain('monitor alarm TargetTracking-cpu50 in state ALARM');
  });

  it('scales in once the load stops, never below the minimum, keeping the protected task', async () => {
    const tasks = await runningTasks();
    expect(tasks).toHaveLength(2);
    const newest = tasks.toSorted((a, b) => (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0))[0]!;
    await cluster.berth.ecs.send(
      new UpdateTaskProtectionCommand({
        cluster: CLUSTER,
        tasks: [newest.taskArn!],
        protectionEnabled: true,
        expiresInMinutes: 60,
      }),
    );
    writeFileSync(join(control, 'idle'), '');
    await settledAt(1, 'the service scaled back in to one running task');
    const left = await runningTasks();
    expect(left.map((t) => t.taskArn)).toEqual([newest.taskArn]);
    const descriptions = (await activities()).map((a) => a.Description);
    expect(descriptions[0]).toBe('Setting desired count to 1.');
    expect(descriptions).not.toContain('Setting desired count to 0.');
  });

  it('applies a scheduled action at its time, with the action as its cause', async () => {
    // at() names whole seconds in UTC; a few seconds ahead so the schedule is put before it fires.
    const at = new Date(Date.now() + 8_000).toISOString().slice(0, 19);
    await autoScaling(
      'put-scheduled-action',
      ...TARGET,
      '--scheduled-action-name',
      'morning',
      '--schedule',
      `at(${at})`,
      '--scalable-target-action',
      'MinCapacity=2,MaxCapacity=3',
    );
    await settledAt(2, 'the scheduled minimum of two running tasks');
    const { ScalableTargets } = (await autoScaling('describe-scalable-targets', '--service-namespace', 'ecs')) as {
      ScalableTargets: { MinCapacity: number; MaxCapacity: number }[];
    };
    expect(ScalableTargets[0]).toMatchObject({ MinCapacity: 2, MaxCapacity: 3 });
    const scheduled = (await activities()).find((a) => a.Cause.includes('scheduled action name morning'));
    expect(scheduled).toMatchObject({
      StatusCode: 'Successful',
      Description: expect.stringContaining('Setting min capacity to 2 and max capacity to 3'),
    });
  });
});
