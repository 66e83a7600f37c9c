/**
 * Benchmark: what one connected agent costs the control plane, per month.
 *
 * Hollow agents poll dev mode the way agents poll a Lambda control plane
 * (answered at once, no held polls), at a poll interval and lease TTL scaled
 * down in the same ratio as the settings under study, since the store
 * operations per poll depend only on that ratio. Measured: requests, store
 * reads and writes per poll, the size of an instance item (with 0 and with
 * 10 tasks), which sets the read units of reading it, and of a lease item,
 * which sets what reading and renewing the lease cost. Priced at the list prices below for the default settings and a cheaper
 * pair. Run: npm run bench:agent-cost
 */
import { RegisterTaskDefinitionCommand, RunTaskCommand, CreateClusterCommand } from '@aws-sdk/client-ecs';
import { containerInstances, instanceLeases } from '#shared/domain/collections.ts';
import { keyOf } from '#shared/ports/store.ts';
import { startBerth } from '../support/berth.ts';
import { startHollowFleet } from '../support/hollow-fleet.ts';

const AGENTS = 40;
const MEASURE_MS = 60_000;
/** Dev mode's smallest lease is 5 s; 6 s and 2 s polls keep the 1 : 3 ratio of the settings priced (60 s and 20 s, 30 s and 10 s). */
const TTL_SECONDS = 6;
const POLL_SECONDS = 2;

/**
 * us-east-1 list prices, before free tiers (AWS pricing pages for DynamoDB
 * on-demand, Lambda on arm64, CloudWatch Logs), as of this benchmark's date.
 */
const PRICES = {
  readUnit: 0.125 / 1e6,
  writeUnit: 0.625 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
};
/** The API function's memory (infra/constructs/berth-control-plane.ts) and an assumed billed time per poll. */
const API_MEMORY_GB = 0.5;
const BILLED_MS_PER_POLL = 10;
const MONTH_SECONDS = 30 * 24 * 3600;

/** A DynamoDB item's size as billed: attribute names and values, in bytes. */
function itemBytes(partition: string, sort: string, doc: string, kind: string): number {
  const byteLength = (text: string) => Buffer.byteLength(text);
  // Names and values of pk, sk, kind, version, doc and expiresAt.
  return (
    byteLength(`pk${partition}sk${sort}kind${kind}version${doc}`) + 3 + byteLength('doc') + byteLength('expiresAt') + 10
  );
}

async function main(): Promise<void> {
  const berth = await startBerth({
    BERTH_HEARTBEAT_TTL_SECONDS: String(TTL_SECONDS),
    BERTH_POLL_INTERVAL_SECONDS: String(POLL_SECONDS),
  });
  await berth.ecs.send(new CreateClusterCommand({ clusterName: 'cost' }));
  await berth.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [
        { name: 'app', image: 'nginx:1', memory: 64, portMappings: [{ containerPort: 80, hostPort: 0 }] },
      ],
    }),
  );
  // What a real agent on EC2 registers with (agent/host/discovery.ts).
  const attributes = [
    ['ecs.os-type', 'linux'],
    ['ecs.os-family', 'LINUX'],
    ['ecs.cpu-architecture', 'arm64'],
    ['berth.agent-version', '0.1.0'],
    ['berth.docker-version', '26.1.5'],
    ['ecs.instance-type', 'm7g.large'],
    ['ecs.availability-zone', 'us-east-1a'],
    ['ecs.ami-id', 'ami-0123456789abcdef0'],
  ].map(([name, value]) => ({ name: name ?? '', value: value ?? '' }));
  const fleet = await startHollowFleet({
    endpoint: berth.endpoint,
    cluster: 'cost',
    count: AGENTS,
    registrationToken: await berth.registrationToken('cost', { uses: AGENTS }),
    resources: { cpu: 2048, memory: 7680 },
    attributes: () => attributes,
    pollIntervalMs: POLL_SECONDS * 1000,
  });

  const instanceSize = async () => {
    const sizes = await Promise.all(
      fleet.instances.map(async (i) => {
        const key = { partition: 'INSTANCE#cost', sort: i.instanceId };
        const item = await berth.ctx.store.get(containerInstances, key);
        if (!item) throw new Error(`instance ${i.instanceId} is gone`);
        const stored = keyOf(containerInstances, item.value);
        return itemBytes(stored.partition, stored.sort, JSON.stringify(item.value), containerInstances.name);
      }),
    );
    return Math.max(...sizes);
  };
  const idleBytes = await instanceSize();
  const first = fleet.instances[0];
  const lease = first && (await berth.ctx.store.get(instanceLeases, instanceLeases.key('cost', first.instanceId)));
  if (!lease) throw new Error('no lease item');
  const leaseKeyOf = keyOf(instanceLeases, lease.value);
  const leaseBytes = itemBytes(leaseKeyOf.partition, leaseKeyOf.sort, JSON.stringify(lease.value), 'lease');

  // One instance takes ten tasks (binpack fills one before the next): an
  // instance item grows with its assignments, and the largest is measured.
  await berth.ecs.send(
    new RunTaskCommand({
      cluster: 'cost',
      taskDefinition: 'web',
      count: 10,
      placementStrategy: [{ type: 'binpack', field: 'memory' }],
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 3 * POLL_SECONDS * 1000));
  const busyBytes = await instanceSize();

  const before = { ...berth.ctx.store.stats, polls: fleet.stats.polls, requests: fleet.stats.requests };
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  const polls = fleet.stats.polls - before.polls;
  const perPoll = {
    requests: (fleet.stats.requests - before.requests) / polls,
    reads: (berth.ctx.store.stats.reads - before.reads) / polls,
    writes: (berth.ctx.store.stats.writes - before.writes) / polls,
  };
  await fleet.stop();
  await berth.stop();

  const readUnits = (bytes: number) => Math.ceil(bytes / 4096);
  const writeUnits = (bytes: number) => Math.ceil(bytes / 1024);
  // A poll reads the instance item and the lease item; the writes are lease
  // renewals (the instance item is written only when something changes).
  const monthly = (intervalSeconds: number, bytes: number) => {
    const polls = MONTH_SECONDS / intervalSeconds;
    const lambda =
      polls *
      perPoll.requests *
      (PRICES.lambdaRequest + (BILLED_MS_PER_POLL / 1000) * API_MEMORY_GB * PRICES.lambdaGbSecond);
    const readUnitsPerPoll = readUnits(bytes) + Math.max(0, perPoll.reads - 1) * readUnits(leaseBytes);
    const reads = polls * readUnitsPerPoll * PRICES.readUnit;
    const writes = polls * perPoll.writes * writeUnits(leaseBytes) * PRICES.writeUnit;
    return { lambda, reads, writes, total: lambda + reads + writes };
  };
  const dollars = (n: number) => `$${n.toFixed(3)}`;
  console.log(
    `\n${AGENTS} hollow agents, polls answered at once, poll ${POLL_SECONDS} s, lease TTL ${TTL_SECONDS} s, measured over ${MEASURE_MS / 1000} s`,
  );
  console.table({
    'polls measured': polls,
    'requests per poll': perPoll.requests.toFixed(3),
    'store reads per poll': perPoll.reads.toFixed(3),
    'store writes per poll': perPoll.writes.toFixed(3),
    'instance item, 0 tasks (bytes)': idleBytes,
    'instance item, 10 tasks (bytes)': busyBytes,
    'lease item (bytes)': leaseBytes,
  });
  const rows: Record<string, Record<string, string>> = {};
  for (const [label, interval] of [
    ['poll 20 s, TTL 60 s (the defaults in AWS)', 20],
    ['poll 10 s, TTL 30 s', 10],
  ] as const) {
    for (const [tasks, bytes] of [
      ['0 tasks', idleBytes],
      ['10 tasks', busyBytes],
    ] as const) {
      const cost = monthly(interval, bytes);
      rows[`${label}, ${tasks}`] = {
        lambda: dollars(cost.lambda),
        'store reads': dollars(cost.reads),
        'store writes': dollars(cost.writes),
        'per agent-month': dollars(cost.total),
      };
    }
  }
  console.log(
    `\nper agent-month at list prices (Lambda billed ${BILLED_MS_PER_POLL} ms per poll at ${API_MEMORY_GB * 1024} MB, assumed)`,
  );
  console.table(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
