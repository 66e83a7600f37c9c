/**
 * What the metric pipeline behind service auto scaling costs, per agent-hour
 * and per service-hour, at AWS list prices.
 *
 *   npx tsx test/bench/autoscaling-cost.bench.ts [--services 3] [--measure-seconds 120] [--flapping]
 *
 * `--flapping` makes the first service's task spin a core for 15 s and rest
 * for 15 s, over and over: a load that moves all the time, the metrics
 * item's most written case (a rewrite per material change, at most one per
 * 10 s spacing).
 * Dev mode with one real agent sampling every second and `--services`
 * services of one idle task each, every one with a scalable target and a
 * target tracking policy. Measured: the writes of the agent's metrics item
 * over the measuring time (its version), that item's size; then, with the
 * agent stopped so nothing else touches the store, the store calls of one
 * scaling evaluation (what the monitor runs every sweep) and of one EMF
 * pass (once a minute), and the EMF lines' size. The monitor's own pass is
 * held off (an hour's interval) so the figures are the calls made here.
 */
import { parseArgs } from 'node:util';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { evaluateScaling } from '#shared/control/scaling-evaluation.ts';
import { serviceMetrics } from '#shared/control/service-metrics.ts';
import { instanceMetricsWindows, scalableTargets } from '#shared/domain/collections.ts';
import { emitServiceMetrics } from '#functions/monitor/service-metrics-emf.ts';
import { trackCpuAtHalf } from '../support/service-scaling.ts';
import { startBerth } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { removeClusterContainers, startTestAgent } from '../support/agents.ts';
import { waitFor } from '../support/wait.ts';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '3' },
    'measure-seconds': { type: 'string', default: '120' },
    flapping: { type: 'boolean', default: false },
  },
});
const CLUSTER = 'scale-cost';
const SERVICES = Number(args.services);
const MEASURE_MS = Number(args['measure-seconds']) * 1000;

/** us-east-1 list prices before free tiers (DynamoDB on demand, CloudWatch), as of this benchmark's date. */
const PRICES = {
  readUnit: 0.125 / 1e6,
  writeUnit: 0.625 / 1e6,
  logsIngestedGb: 0.5,
  /** CloudWatch custom metrics, first 10,000: per metric-month, prorated by the hour. */
  customMetricMonth: 0.3,
};
const HOURS_PER_MONTH = 730;
/** The monitor's sweep and the EMF pass run once a minute in AWS. */
const SWEEPS_PER_HOUR = 60;

const image = await ensureBusyboxImage();
const berth = await startBerth({ BERTH_MONITOR_INTERVAL_SECONDS: '3600' });
await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
const agent = await startTestAgent(berth, CLUSTER, { metricsIntervalSeconds: 1 });
/** Spins a core for 15 s, sleeps 15 s, and again (busybox sh). */
const FLAP = 'while :; do end=$(($(date +%s)+15)); while [ $(date +%s) -lt $end ]; do :; done; sleep 15; done';
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

try {
  await berth.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'idle',
      cpu: '64',
      memory: '32',
      containerDefinitions: [{ name: 'app', image, command: ['sleep', '3600'], stopTimeout: 1 }],
    }),
  );
  await berth.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'flapping',
      cpu: '64',
      memory: '32',
      containerDefinitions: [{ name: 'app', image, command: ['sh', '-c', FLAP], stopTimeout: 1 }],
    }),
  );
  for (let i = 1; i <= SERVICES; i++) {
    const service = `svc${i}`;
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: service,
        taskDefinition: args.flapping && i === 1 ? 'flapping' : 'idle',
        desiredCount: 1,
      }),
    );
    // A maximum of one: the flapping service's load must not scale it out (that would be a second task, not the cost).
    await trackCpuAtHalf(berth, CLUSTER, service, { min: 1, max: 1 });
  }
  for (let i = 1; i <= SERVICES; i++) {
    await waitFor(
      async () => ((await serviceMetrics(berth.ctx, CLUSTER, `svc${i}`, 300)).samples > 0 ? true : undefined),
      { timeoutMs: 180_000, intervalMs: 500, what: `samples of svc${i}` },
    );
  }

  const windowKey = instanceMetricsWindows.key(CLUSTER, agent.instanceId);
  const versionBefore = (await berth.ctx.store.get(instanceMetricsWindows, windowKey))!.version;
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  const window = (await berth.ctx.store.get(instanceMetricsWindows, windowKey))!;
  const windowWritesPerMinute = (window.version - versionBefore) / (MEASURE_MS / 60_000);
  const windowBytes = bytes(window.value);
  await agent.stop();

  const stats = berth.ctx.store.stats;
  let before = { ...stats };
  const outcome = await evaluateScaling(berth.ctx, serviceMetrics);
  const sweep = { reads: stats.reads - before.reads, writes: stats.writes - before.writes };
  before = { ...stats };
  const lines: string[] = [];
  await emitServiceMetrics(berth.ctx, [CLUSTER], (line) => lines.push(line));
  const emf = { reads: stats.reads - before.reads, writes: stats.writes - before.writes };
  const targetItem = await berth.ctx.store.get(scalableTargets, scalableTargets.key(`${CLUSTER}/svc1`));
  const targetBytes = bytes(targetItem?.value);

  const readUnits = (n: number) => Math.ceil(n / 4096);
  const writeUnits = (n: number) => Math.ceil(n / 1024);
  const emfBytesPerService = lines.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0) / Math.max(1, lines.length);
  // Per agent-hour: the metrics item's writes as measured; its reads, one per poll carrying samples once the
  // 10 s spacing has passed (shared/control/metrics-intake.ts): at most six a minute, counted as six.
  const agentHour = {
    writes: windowWritesPerMinute * 60 * writeUnits(windowBytes) * PRICES.writeUnit,
    reads: 6 * 60 * readUnits(windowBytes) * PRICES.readUnit,
  };
  // Per service-hour: its share of each sweep's calls (the metrics query reads one item per instance, here one),
  // one EMF line a minute, and the two custom metrics the lines create.
  const perTargetReads = sweep.reads / SERVICES;
  const serviceHour = {
    reads: SWEEPS_PER_HOUR * perTargetReads * readUnits(Math.max(windowBytes, targetBytes)) * PRICES.readUnit,
    emfLogs: SWEEPS_PER_HOUR * emfBytesPerService * (PRICES.logsIngestedGb / 1e9),
    customMetrics: (2 * PRICES.customMetricMonth) / HOURS_PER_MONTH,
  };
  const dollars = (n: number) => `$${n.toFixed(6)}`;
  const flapping = args.flapping ? ' (svc1 flapping: 15 s busy, 15 s idle)' : '';
  console.log(
    `\n${SERVICES} services with target tracking on one agent${flapping}, measured over ${MEASURE_MS / 1000} s`,
  );
  console.table({
    'metrics item writes per agent-minute': windowWritesPerMinute.toFixed(2),
    'metrics item (bytes)': windowBytes,
    'scalable target item (bytes)': targetBytes,
    'store reads per evaluation': sweep.reads,
    'store writes per evaluation (nothing to scale)': sweep.writes,
    'targets evaluated': outcome.targets,
    'store reads per EMF pass (one cluster)': emf.reads,
    'EMF lines per pass': lines.length,
    'EMF line (bytes)': Math.round(emfBytesPerService),
  });
  console.table({
    'per agent-hour': { 'store writes': dollars(agentHour.writes), 'store reads': dollars(agentHour.reads) },
    'per service-hour (AWS: one sweep a minute)': {
      'store reads': dollars(serviceHour.reads),
      'EMF log ingestion': dollars(serviceHour.emfLogs),
      'custom metrics (2)': dollars(serviceHour.customMetrics),
    },
  });
  const month = (n: number) => `$${(n * HOURS_PER_MONTH).toFixed(3)}`;
  console.log(
    `per agent-month ${month(agentHour.writes + agentHour.reads)}; per service-month ${month(serviceHour.reads + serviceHour.emfLogs + serviceHour.customMetrics)} (of which custom metrics ${month(serviceHour.customMetrics)})`,
  );
} finally {
  await agent.stop().catch(() => undefined);
  await berth.stop();
  await removeClusterContainers(CLUSTER);
}
