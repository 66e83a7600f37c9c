/**
 * Service auto scaling latency under real load: the time from a service's
 * running task starting to burn a core (against a 64-unit reservation, so
 * far above a 50 % target) to the task the scaling adds being RUNNING.
 *
 *   npx tsx test/bench/autoscaling-scale-out.bench.ts [--trials 3] [--monitor-seconds 5] [--metrics-seconds 1]
 *
 * Dev mode with one real agent on the local engine; each trial is a fresh
 * service whose container idles until a file appears in a host directory it
 * mounts, then spins. The load starts once the service's idle samples are
 * in the store (a steady state, as a service in production would be), and
 * the trial records when the store first shows the load, when the monitor
 * scaled (the activity's StartTime) and when the new task started.
 * `--monitor-seconds 60 --metrics-seconds 20` runs it at AWS's intervals
 * (the agent's polls are still held by dev mode: in AWS add up to a poll
 * interval, 20 s, for the samples to ride in and again for the new task to
 * be seen).
 */
import { parseArgs } from 'node:util';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { adminCall } from '#cli/admin-client.ts';
import { serviceMetrics } from '#shared/control/service-metrics.ts';
import { clusterPolicyResponse } from '#shared/security/cluster-policy-api.ts';
import { awsCli } from '../support/aws-cli.ts';
import { scalableTargetArgs, trackCpuAtHalf } from '../support/service-scaling.ts';
import { startBerth } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { removeClusterContainers, startTestAgent } from '../support/agents.ts';
import { waitFor } from '../support/wait.ts';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '3' },
    'monitor-seconds': { type: 'string', default: '5' },
    'metrics-seconds': { type: 'string', default: '1' },
  },
});
// One cluster per run: two runs side by side (dev mode and AWS's intervals) keep their containers apart.
const CLUSTER = `scale-bench-${process.pid}`;
/** Long enough for a sample to wait out a minute's bucket and a 60 s sweep. */
const DEADLINE_MS = 300_000;

const control = mkdtempSync(join(tmpdir(), 'berth-scale-bench-'));
chmodSync(control, 0o755);
const image = await ensureBusyboxImage();
const berth = await startBerth({ BERTH_MONITOR_INTERVAL_SECONDS: args['monitor-seconds'] });
await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
const admin = adminCall({ endpoint: berth.endpoint, region: 'us-east-1', credentials: berth.credentials });
await admin(clusterPolicyResponse, 'PUT', `/clusters/${CLUSTER}/policy`, { allowedHostPaths: [control] });
const agent = await startTestAgent(berth, CLUSTER, { metricsIntervalSeconds: Number(args['metrics-seconds']) });

interface Trial {
  readonly loadAt: number;
  readonly storedAt: number;
  readonly scaledAt: number;
  readonly runningAt: number;
}

async function startedTimes(service: string): Promise<number[]> {
  const { taskArns = [] } = await berth.ecs.send(
    new ListTasksCommand({ cluster: CLUSTER, serviceName: service, desiredStatus: 'RUNNING' }),
  );
  if (taskArns.length === 0) return [];
  const { tasks = [] } = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: taskArns }));
  return tasks.flatMap((t) => (t.lastStatus === 'RUNNING' && t.startedAt ? [t.startedAt.getTime()] : []));
}

async function trial(i: number): Promise<Trial> {
  const service = `burn${i}`;
  const trialDir = mkdtempSync(join(control, `${service}-`));
  chmodSync(trialDir, 0o755);
  await berth.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: service,
      cpu: '64',
      memory: '32',
      volumes: [{ name: 'control', host: { sourcePath: trialDir } }],
      containerDefinitions: [
        {
          name: 'app',
          image,
          command: [
            'sh',
            '-c',
            'until [ -f /control/busy ]; do sleep 1; done; while [ ! -f /control/idle ]; do :; done; exec sleep 3600',
          ],
          mountPoints: [{ sourceVolume: 'control', containerPath: '/control', readOnly: true }],
          stopTimeout: 1,
        },
      ],
    }),
  );
  await berth.ecs.send(
    new CreateServiceCommand({ cluster: CLUSTER, serviceName: service, taskDefinition: service, desiredCount: 1 }),
  );
  const target = scalableTargetArgs(CLUSTER, service).slice(0, 4);
  await trackCpuAtHalf(berth, CLUSTER, service, { min: 1, max: 2 }, { ScaleOutCooldown: 0 });
  const metrics = () => serviceMetrics(berth.ctx, CLUSTER, service, 60);
  const deadline = { timeoutMs: DEADLINE_MS, intervalMs: 250 };
  await waitFor(async () => ((await metrics()).cpuUtilization !== undefined ? true : undefined), {
    ...deadline,
    what: `${service}'s idle samples`,
  });
  const loadAt = Date.now();
  writeFileSync(join(trialDir, 'busy'), '');
  const storedAt = await waitFor(async () => (((await metrics()).cpuUtilization ?? 0) > 50 ? Date.now() : undefined), {
    ...deadline,
    what: `${service}'s load in the store`,
  });
  const runningAt = await waitFor(
    async () => {
      const started = await startedTimes(service);
      return started.length === 2 ? Math.max(...started) : undefined;
    },
    { ...deadline, what: `${service}'s second task running` },
  );
  const { ScalingActivities } = (await awsCli(
    berth,
    'application-autoscaling',
    'describe-scaling-activities',
    ...target,
  )) as {
    ScalingActivities: { StartTime: string | number }[];
  };
  // The CLI prints timestamps as ISO strings (AWS CLI v2's default); v1 printed epoch seconds.
  const start = ScalingActivities[0]?.StartTime;
  const scaledAt = typeof start === 'number' ? start * 1000 : Date.parse(start ?? '');
  writeFileSync(join(trialDir, 'idle'), '');
  await berth.ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service, force: true }));
  return { loadAt, storedAt, scaledAt, runningAt };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const rows: Record<string, Record<string, string>> = {};
try {
  for (let i = 1; i <= Number(args.trials); i++) {
    const t = await trial(i);
    rows[`trial ${i}`] = {
      'load in store (s)': seconds(t.storedAt - t.loadAt),
      'scaled (s)': seconds(t.scaledAt - t.loadAt),
      'new task RUNNING (s)': seconds(t.runningAt - t.loadAt),
    };
    console.log(`trial ${i}:`, rows[`trial ${i}`]);
  }
  console.log(
    `\nmonitor every ${args['monitor-seconds']} s, agent metrics every ${args['metrics-seconds']} s; times from the load's start`,
  );
  console.table(rows);
} finally {
  await agent.stop();
  await berth.stop();
  await removeClusterContainers(CLUSTER);
  rmSync(control, { recursive: true, force: true });
}
