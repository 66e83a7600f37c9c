/**
 * Benchmark B: RunTask through the whole control plane onto hollow agents.
 * A plain script, not a test:
 *
 *   npx tsx test/bench/placement-store.bench.ts [--backend dev|moto|both]
 *     [--tasks 10000] [--instances 1000] [--moto-tasks 2000] [--moto-instances 200]
 *     [--in-flight 20] [--poll-ms 10000] [--idle-ms 20000]
 *
 * RunTask calls of 10 tasks each (ECS's maximum), `--in-flight` at a time,
 * strategy spread(attribute:ecs.availability-zone) then binpack(memory), onto
 * hollow agents (test/support/hollow-fleet.ts) that register, poll, fetch
 * each task's spec and report it RUNNING over real HTTP. Two backends:
 *
 * - dev: dev mode as `npm start` runs it (startDevServer, embedded dynalite);
 * - moto: the same handlers over the DynamoDB adapter pointed at moto server
 *   (started here, or AWS_ENDPOINT_URL), composed in store-backed-berth.ts.
 *
 * Prints tasks/s from the first RunTask to the last task RUNNING, and the
 * table reads and writes per placed task (the store's own counters), both as
 * measured and net of the idle fleet's polling over the same time.
 */
import { parseArgs } from 'node:util';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { startDevServer } from '#functions/runtime/dev-server.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { requestRegistrationToken } from '../support/registration-token.ts';
import { resolveAwsEndpoint } from '../support/aws-endpoint.ts';
import { startHollowFleet } from '../support/hollow-fleet.ts';
import { startStoreBackedBerth } from './store-backed-berth.ts';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    tasks: { type: 'string', default: '10000' },
    instances: { type: 'string', default: '1000' },
    'moto-tasks': { type: 'string', default: '2000' },
    'moto-instances': { type: 'string', default: '200' },
    'in-flight': { type: 'string', default: '20' },
    // Agents poll every 10 s by default (decisions.md); dev mode's 2 s would
    // spend most of one core on a thousand agents' heartbeats alone.
    'poll-ms': { type: 'string', default: '10000' },
    // Agents hold a poll open this long (dev mode answers it as soon as the
    // instance changes); 0 turns long polls off.
    'long-poll-seconds': { type: 'string', default: '10' },
    // Long enough to include each agent's lease renewal (every 20 s at a 10 s poll).
    'idle-ms': { type: 'string', default: '20000' },
  },
});

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'];
const RUN_DEADLINE_MS = 15 * 60_000;

interface Target {
  readonly endpoint: string;
  readonly ctx: ControlContext;
  readonly adminKey?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  stop(): Promise<void>;
}

interface Result {
  readonly backend: string;
  readonly tasks: number;
  readonly instances: number;
  readonly seconds: number;
  readonly tasksPerSecond: number;
  readonly reads: number;
  readonly writes: number;
  readonly idleReadsPerSecond: number;
  readonly idleWritesPerSecond: number;
  readonly runTaskP50: number;
  readonly runTaskP99: number;
  readonly reconciles: number;
  readonly conflicts: number;
  readonly cpuSeconds: number;
  readonly agentErrors: number;
  readonly failures: number;
}

/** Counts the scheduler's passes from its own log lines. */
function countingLogger() {
  const counts = { reconciles: 0, conflicts: 0, errors: 0, lastError: '' };
  const logger: Logger = {
    info: (message, fields) => {
      if (message !== 'reconciled') return;
      counts.reconciles++;
      counts.conflicts += typeof fields?.conflicts === 'number' ? fields.conflicts : 0;
    },
    warn: () => {},
    error: (message, fields) => {
      counts.errors++;
      counts.lastError = `${message}: ${String(fields?.error)}`;
    },
  };
  return { logger, counts };
}

async function run(backend: 'dev' | 'moto', tasks: number, instances: number): Promise<Result> {
  const { logger, counts } = countingLogger();
  const moto = backend === 'moto' ? await resolveAwsEndpoint() : undefined;
  const target: Target = moto
    ? await startStoreBackedBerth({ awsEndpoint: moto.url, tableName: `berth-bench-${Date.now()}`, logger })
    : await startDevServer({ port: 0, logger, env: { ...process.env, AWS_ENDPOINT_URL: undefined } });
  const ecs = new ECSClient({
    endpoint: target.endpoint,
    region: 'us-east-1',
    // Dev mode checks signatures with the administrator key it created; the
    // store-backed composition runs without a guard and takes any key.
    credentials: target.adminKey ?? { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  const pollMs = Number(args['poll-ms']);
  let running = 0;
  let lastRunningAt = 0;
  let allRunning = (): void => {};
  const done = new Promise<void>((resolve) => (allRunning = resolve));
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'bench',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 128, cpu: 64, essential: true }],
      }),
    );
    log(`${backend}: registering ${instances} hollow agents`);
    const registrationToken = await registrationTokenFor(target, instances);
    const fleet = await startHollowFleet({
      endpoint: target.endpoint,
      cluster: 'bench',
      count: instances,
      ...(registrationToken !== undefined && { registrationToken }),
      resources: { cpu: 2048, memory: 4096 },
      attributes: (i) => [
        { name: 'ecs.availability-zone', value: ZONES[i % ZONES.length] ?? 'us-east-1a' },
        { name: 'ecs.instance-type', value: 'm5.large' },
      ],
      pollIntervalMs: pollMs,
      ...(Number(args['long-poll-seconds']) > 0 && { longPollSeconds: Number(args['long-poll-seconds']) }),
      onRunning: () => {
        running++;
        if (running === tasks) {
          lastRunningAt = performance.now();
          allRunning();
        }
      },
    });
    try {
      // One interval to settle (first polls), then the idle fleet for long
      // enough to include its lease renewals (every half TTL, 15 s by default).
      await sleep(pollMs);
      const idleStart = snapshot(target.ctx);
      await sleep(Math.max(2 * pollMs, Number(args['idle-ms'])));
      const idle = since(target.ctx, idleStart);

      log(`${backend}: ${tasks} tasks in RunTask calls of 10, ${args['in-flight']} in flight`);
      const start = snapshot(target.ctx);
      const cpuStart = process.cpuUsage();
      const latencies: number[] = [];
      let failures = 0;
      const calls = Math.ceil(tasks / 10);
      let next = 0;
      const progress = setInterval(() => log(`  ${running}/${tasks} RUNNING`), 5_000);
      await Promise.all(
        Array.from({ length: Number(args['in-flight']) }, async () => {
          while (next < calls) {
            const call = next++;
            const count = Math.min(10, tasks - call * 10);
            const sent = performance.now();
            const answer = await ecs.send(
              new RunTaskCommand({
                cluster: 'bench',
                taskDefinition: 'bench',
                count,
                placementStrategy: [
                  { type: 'spread', field: 'attribute:ecs.availability-zone' },
                  { type: 'binpack', field: 'memory' },
                ],
              }),
            );
            latencies.push(performance.now() - sent);
            failures += answer.failures?.length ?? 0;
          }
        }),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, RUN_DEADLINE_MS)))]);
      clearTimeout(timer);
      clearInterval(progress);
      const end = lastRunningAt || performance.now();
      const used = since(target.ctx, start);
      const cpu = process.cpuUsage(cpuStart);
      const seconds = (end - start.at) / 1000;
      latencies.sort((a, b) => a - b);
      if (running < tasks) log(`${backend}: only ${running} of ${tasks} RUNNING by the deadline`);
      if (counts.errors > 0) log(`${backend}: ${counts.errors} logged errors, last: ${counts.lastError}`);
      await fleet.stop();
      if (fleet.stats.errors > 0)
        log(`${backend}: ${fleet.stats.errors} agent request errors, last: ${fleet.stats.lastError}`);
      return {
        backend,
        tasks: running,
        instances,
        seconds,
        tasksPerSecond: running / seconds,
        reads: used.reads,
        writes: used.writes,
        idleReadsPerSecond: idle.reads / idle.seconds,
        idleWritesPerSecond: idle.writes / idle.seconds,
        runTaskP50: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
        runTaskP99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
        reconciles: counts.reconciles,
        conflicts: counts.conflicts,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        agentErrors: fleet.stats.errors,
        failures,
      };
    } catch (error) {
      await fleet.stop();
      throw error;
    }
  } finally {
    ecs.destroy();
    await target.stop();
    await moto?.stop();
  }
}

/** Dev mode asks agents for credentials: one token, good for the whole fleet, from the admin API. */
async function registrationTokenFor(target: Target, uses: number): Promise<string | undefined> {
  if (target.adminKey === undefined) return undefined;
  return requestRegistrationToken(target.endpoint, target.adminKey, 'bench', { uses });
}

function snapshot(ctx: ControlContext) {
  return { reads: ctx.store.stats.reads, writes: ctx.store.stats.writes, at: performance.now() };
}

function since(ctx: ControlContext, start: ReturnType<typeof snapshot>) {
  return {
    reads: ctx.store.stats.reads - start.reads,
    writes: ctx.store.stats.writes - start.writes,
    seconds: (performance.now() - start.at) / 1000,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function table(results: readonly Result[]): string {
  const rows: [string, (r: Result) => string][] = [
    ['tasks RUNNING', (r) => String(r.tasks)],
    ['hollow agents', (r) => String(r.instances)],
    ['first RunTask to last RUNNING (s)', (r) => r.seconds.toFixed(1)],
    ['tasks/s', (r) => r.tasksPerSecond.toFixed(0)],
    ['store reads per task', (r) => (r.reads / r.tasks).toFixed(2)],
    ['store writes per task', (r) => (r.writes / r.tasks).toFixed(2)],
    ['reads per task, net of idle polling', (r) => ((r.reads - r.idleReadsPerSecond * r.seconds) / r.tasks).toFixed(2)],
    [
      'writes per task, net of idle polling',
      (r) => ((r.writes - r.idleWritesPerSecond * r.seconds) / r.tasks).toFixed(2),
    ],
    ['idle fleet reads/s, writes/s', (r) => `${r.idleReadsPerSecond.toFixed(0)}, ${r.idleWritesPerSecond.toFixed(1)}`],
    ['RunTask latency p50 / p99 (ms)', (r) => `${r.runTaskP50.toFixed(0)} / ${r.runTaskP99.toFixed(0)}`],
    ['reconcile passes that changed something (conflicts)', (r) => `${r.reconciles} (${r.conflicts})`],
    ['process cpu (s)', (r) => r.cpuSeconds.toFixed(1)],
    ['RunTask failures, agent errors', (r) => `${r.failures}, ${r.agentErrors}`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const header = `${'backend'.padEnd(width)}  ${results.map((r) => r.backend.padStart(14)).join('  ')}`;
  const lines = rows.map(
    ([name, cell]) => `${name.padEnd(width)}  ${results.map((r) => cell(r).padStart(14)).join('  ')}`,
  );
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}

const results: Result[] = [];
if (args.backend === 'dev' || args.backend === 'both') {
  results.push(await run('dev', Number(args.tasks), Number(args.instances)));
}
if (args.backend === 'moto' || args.backend === 'both') {
  results.push(await run('moto', Number(args['moto-tasks']), Number(args['moto-instances'])));
}
console.log(
  `\nBenchmark B, ${new Date().toISOString()}, Node ${process.version}, poll every ${args['poll-ms']} ms, long polls of ${args['long-poll-seconds']} s`,
);
console.log('strategy spread(attribute:ecs.availability-zone) then binpack(memory); tasks 64 cpu / 128 MiB\n');
console.log(table(results));
