/**
 * Benchmark: the ECS API under a mixed read/write load. Dev mode runs in its
 * own process (so the clients' CPU is not counted as the server's), 10
 * hollow agents take the tasks, and N clients of the unmodified SDK call
 * back to back for a bounded time over loopback: 2 of 10 calls RunTask, 1
 * StopTask, 7 Describe and List calls (test/support/mixed-load.ts). Prints calls/s
 * and p50/p95/p99 latency overall and per operation, and answers by code.
 *
 * Run: npm run bench:load [-- --clients 50 --seconds 60]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CreateClusterCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { ControlPlaneProcess } from '../support/control-plane-process.ts';
import { startHollowFleet } from '../support/hollow-fleet.ts';
import { countByCode, percentile, runMixedLoad, type CallRecord } from '../support/mixed-load.ts';
import { ecsClient } from '../chaos/support.ts';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '50' }, seconds: { type: 'string', default: '60' } },
});
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const CLUSTER = 'load';
const HOSTS = 10;

function row(name: string, calls: readonly CallRecord[], seconds: number): string {
  const ms = calls.map((c) => c.ms).sort((a, b) => a - b);
  const f = (p: number) => percentile(ms, p).toFixed(1);
  return `| ${name} | ${calls.length} | ${(calls.length / seconds).toFixed(1)} | ${f(50)} | ${f(95)} | ${f(99)} |`;
}

/** CPU seconds a process has used (user + system), from /proc: the server's cost apart from the clients'. */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  const controlPlane = new ControlPlaneProcess();
  await controlPlane.start();
  const ecs = ecsClient(controlPlane.endpoint, controlPlane.credentials);
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'load',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 8, cpu: 1 }],
    }),
  );
  const fleet = await startHollowFleet({
    endpoint: controlPlane.endpoint,
    cluster: CLUSTER,
    count: HOSTS,
    registrationToken: await controlPlane.registrationToken(CLUSTER, { uses: HOSTS }),
    resources: { cpu: 1_000_000, memory: 1_000_000 },
    pollIntervalMs: 2_000,
    longPollSeconds: 10,
  });
  try {
    const cpuBefore = cpuSeconds(controlPlane.pid);
    const result = await runMixedLoad({
      endpoint: controlPlane.endpoint,
      credentials: controlPlane.credentials,
      cluster: CLUSTER,
      taskDefinition: 'load',
      clients: CLIENTS,
      durationMs: SECONDS * 1000,
    });
    const seconds = result.elapsedMs / 1000;
    const cpu = cpuSeconds(controlPlane.pid) - cpuBefore;
    const answered = result.calls.filter((c) => c.status !== 0);
    console.log(`${CLIENTS} clients, ${seconds.toFixed(1)} s, ${HOSTS} hollow agents, dev mode in its own process`);
    console.log('| operation | calls | calls/s | p50 ms | p95 ms | p99 ms |\n| --- | --- | --- | --- | --- | --- |');
    console.log(row('all', answered, seconds));
    const operations = [...new Set(answered.map((c) => c.operation))].sort();
    for (const op of operations)
      console.log(
        row(
          op,
          answered.filter((c) => c.operation === op),
          seconds,
        ),
      );
    console.log(`dev mode CPU: ${cpu.toFixed(1)} s, ${(answered.length / cpu).toFixed(0)} calls per CPU-second`);
    console.log(`answers by code: ${JSON.stringify(countByCode(result.calls))}`);
    console.log(
      `hollow fleet: started ${fleet.stats.started}, stopped ${fleet.stats.stopped}, errors ${fleet.stats.errors}`,
    );
  } finally {
    await fleet.stop();
    ecs.destroy();
    await controlPlane.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
