/**
 * DNS view latency in dev mode with two real agents on the local Docker
 * engine, each serving the cluster's `.berth` zone: for each trial, the time
 * from DescribeTasks first showing a service task RUNNING to both agents
 * answering its SRV record, and from a StopTask to the record leaving both
 * agents' answers.
 *
 *   npx tsx test/bench/dns-view.bench.ts [--trials 5]
 *
 * The service keeps one task; each StopTask makes it start a replacement,
 * which is the next trial's task, so its appearance is timed while the
 * stopped task's disappearance is. Results go in docs/performance.md.
 */
import { parseArgs } from 'node:util';
import { CreateServiceCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { registerAnsweringWeb, runningServiceTasks } from '../support/answering-service.ts';
import { startContainerCluster } from '../support/container-cluster.ts';
import { askDns, freePort, srvTargets } from '../support/dns-query.ts';
import { waitFor } from '../support/wait.ts';
import { trialSummary } from './trial-summary.ts';

const { values: args } = parseArgs({ options: { trials: { type: 'string', default: '5' } } });

const CLUSTER = 'bench-dns';
const HOSTS = ['127.0.0.1', '127.0.0.2'];
const SRV = `_web._tcp.${CLUSTER}.berth`;
const POLL_MS = 20;
const DEADLINE_MS = 60_000;

const cluster = await startContainerCluster(CLUSTER, 0);
const dnsPorts: number[] = [];
for (const host of HOSTS) {
  const port = await freePort();
  dnsPorts.push(port);
  await cluster.addAgent({ hostAddress: host, dns: { address: '127.0.0.1', port } });
}
const { berth } = cluster;
const hostOf = new Map(cluster.agents.map((a, n): [string, string] => [a.containerInstanceArn ?? '', HOSTS[n] ?? '']));

/** The SRV answer naming a task: its host's name in the zone and its bound host port. */
function endpointOf(task: Task): string {
  const host = hostOf.get(task.containerInstanceArn ?? '') ?? '?';
  const port = task.containers?.[0]?.networkBindings?.[0]?.hostPort;
  return `${host.replaceAll('.', '-')}.hosts.${CLUSTER}.berth:${port}`;
}

/** Waits until every agent's SRV answer does (or, with `present` false, does not) hold `endpoint`. */
async function untilEveryAgent(endpoint: string, present: boolean): Promise<void> {
  for (const port of dnsPorts) {
    await waitFor(
      async () => {
        const answered = srvTargets(await askDns(port, SRV, 'SRV')).includes(endpoint);
        return answered === present ? true : undefined;
      },
      { timeoutMs: DEADLINE_MS, intervalMs: POLL_MS, what: `${endpoint} ${present ? 'in' : 'out of'} port ${port}` },
    );
  }
}

async function newRunningTask(seen: ReadonlySet<string>): Promise<Task | undefined> {
  const running = await runningServiceTasks(berth.ecs, CLUSTER, 'web');
  return running.find((t) => !seen.has(t.taskArn ?? ''));
}

/** The service's next task: from DescribeTasks first showing it RUNNING to both agents answering it. */
async function appearance(seen: Set<string>): Promise<{ task: Task; ms: number }> {
  const task = await waitFor(() => newRunningTask(seen), {
    timeoutMs: DEADLINE_MS,
    intervalMs: POLL_MS,
    what: 'a new RUNNING task',
  });
  const seenRunning = Date.now();
  seen.add(task.taskArn ?? '');
  await untilEveryAgent(endpointOf(task), true);
  return { task, ms: Date.now() - seenRunning };
}

/** From StopTask to neither agent answering the task. */
async function disappearance(task: Task): Promise<number> {
  const stopAsked = Date.now();
  await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: task.taskArn ?? '', reason: 'bench' }));
  await untilEveryAgent(endpointOf(task), false);
  return Date.now() - stopAsked;
}

try {
  const taskDefinition = await registerAnsweringWeb(cluster, 'bench');
  await berth.ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: 'web',
      taskDefinition,
      desiredCount: 1,
    }),
  );
  const seen = new Set<string>();
  const trials = Number(args.trials);
  let current = await appearance(seen);
  const appeared = [current.ms];
  const left: number[] = [];
  for (let i = 0; i < trials; i++) {
    // The replacement's appearance is timed alongside the stop, as both happen at once.
    const last = i === trials - 1;
    const [gone, next] = await Promise.all([disappearance(current.task), last ? undefined : appearance(seen)]);
    left.push(gone);
    if (next !== undefined) {
      appeared.push(next.ms);
      current = next;
    }
  }
  console.log(
    JSON.stringify({
      agents: HOSTS.length,
      runningToAnswered: trialSummary(appeared),
      stopTaskToGone: trialSummary(left),
    }),
  );
} finally {
  await cluster.stop();
}
