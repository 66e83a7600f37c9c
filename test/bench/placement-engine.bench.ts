/**
 * Benchmark A: 100,000 tasks onto 10,000 simulated instances through the
 * placement engine, on one core. A plain script, not a test:
 *
 *   npx tsx test/bench/placement-engine.bench.ts [tasks] [instances]
 *
 * Strategy spread(attribute:ecs.availability-zone) then binpack(memory),
 * constraint memberOf(attribute:ecs.instance-type =~ m5.*), ten services.
 * Prints placements per second and the per-placement time distribution for
 * planPlacements (the indexed path) and, on a sample, for placeTask (the
 * reference path that reads every instance).
 */
import { cpus } from 'node:os';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import { buildFleet } from '#shared/scheduler/fleet.ts';
import { placeTask, planPlacements, reserve } from '#shared/scheduler/pipeline.ts';
import { seededRandom } from '#shared/scheduler/prng.ts';
import type { PlacementDecision, PlacementRequest } from '#shared/scheduler/types.ts';

const TASKS = Number(process.argv[2] ?? 100_000);
const INSTANCES = Number(process.argv[3] ?? 10_000);
const REFERENCE_SAMPLE = 500;

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'];
/** [type, cpu units, MiB as the agent registers them, weight]. */
const TYPES: [string, number, number, number][] = [
  ['m5.large', 2048, 7680, 2],
  ['m5.xlarge', 4096, 15_616, 3],
  ['m5.2xlarge', 8192, 31_488, 2],
  ['c5.xlarge', 4096, 7424, 2],
  ['r5.large', 2048, 15_616, 1],
];
/** [cpu, memory, weight]: a mix of small services. */
const SHAPES: [number, number, number][] = [
  [64, 256, 10],
  [128, 512, 40],
  [256, 1024, 30],
  [512, 2048, 15],
  [1024, 4096, 5],
];

function weighted<T extends unknown[]>(random: () => number, choices: T[]): T {
  const total = choices.reduce((sum, c) => sum + Number(c[c.length - 1]), 0);
  let pick = random() * total;
  for (const choice of choices) {
    pick -= Number(choice[choice.length - 1]);
    if (pick < 0) return choice;
  }
  return choices[choices.length - 1]!;
}

function simulatedInstances(count: number): ContainerInstance[] {
  const random = seededRandom(2026);
  return Array.from({ length: count }, (_, n) => {
    const [type, cpu, memory] = weighted(random, TYPES);
    return {
      id: `ci-${String(n).padStart(5, '0')}`,
      clusterName: 'bench',
      status: 'ACTIVE',
      ec2InstanceId: `i-${n.toString(16).padStart(17, '0')}`,
      registered: { cpu, memory, ports: [22, 2375, 2376, 51678, 51679], portsUdp: [] },
      attributes: [
        { name: 'ecs.availability-zone', value: ZONES[n % ZONES.length] },
        { name: 'ecs.instance-type', value: type },
        { name: 'ecs.os-type', value: 'linux' },
        { name: 'ecs.cpu-architecture', value: 'x86_64' },
      ],
      assignments: {},
      registeredAt: Date.UTC(2026, 0, 1),
      heartbeatAt: Date.UTC(2026, 0, 1),
      agentConnected: true,
      generation: 0,
      epoch: 0,
    };
  });
}

function simulatedTasks(count: number): PlacementRequest[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, (_, n) => {
    const [cpu, memory] = weighted(random, SHAPES);
    // One task in a hundred binds a static host port.
    const ports = random() < 0.01 ? [8080] : [];
    return {
      taskId: `task-${n}`,
      demand: { cpu, memory, ports, portsUdp: [] },
      strategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
      constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m5.*' }],
      group: `service:svc-${n % 10}`,
      seed: n,
    };
  });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function timed(requests: readonly PlacementRequest[], place: (r: PlacementRequest) => PlacementDecision) {
  const micros = new Float64Array(requests.length);
  let placed = 0;
  const start = process.hrtime.bigint();
  requests.forEach((request, n) => {
    const before = process.hrtime.bigint();
    if (place(request).kind === 'placed') placed += 1;
    micros[n] = Number(process.hrtime.bigint() - before) / 1000;
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // The first placement of a plan builds the indexes it uses; reported apart.
  const first = micros[0] ?? NaN;
  micros.sort();
  return { count: requests.length, placed, seconds, micros, first };
}

const instances = simulatedInstances(INSTANCES);
const tasks = simulatedTasks(TASKS);

// Warm the JIT on a separate small fleet so the measured run is steady state.
planPlacements(simulatedTasks(2000), buildFleet(simulatedInstances(500)));

const bulkFleet = buildFleet(instances);
const bulkStart = process.hrtime.bigint();
const bulk = planPlacements(tasks, bulkFleet);
const bulkSeconds = Number(process.hrtime.bigint() - bulkStart) / 1e9;
const bulkPlaced = bulk.filter((d) => d.kind === 'placed').length;

const stepFleet = buildFleet(instances);
const indexed = timed(tasks, (request) => planPlacements([request], stepFleet)[0]!);

const referenceFleet = buildFleet(instances);
const reference = timed(tasks.slice(0, REFERENCE_SAMPLE), (request) => {
  const decision = placeTask(request, referenceFleet);
  if (decision.kind === 'placed') reserve(referenceFleet, decision.instanceId, request);
  return decision;
});

const row = (name: string, r: ReturnType<typeof timed>) => ({
  path: name,
  tasks: r.count,
  placed: r.placed,
  'placements/s': Math.round(r.count / r.seconds),
  'p50 µs': percentile(r.micros, 50).toFixed(1),
  'p99 µs': percentile(r.micros, 99).toFixed(1),
  'max µs': percentile(r.micros, 100).toFixed(0),
  'first µs': r.first.toFixed(0),
});

console.log(`Benchmark A: ${TASKS} tasks onto ${INSTANCES} instances (${ZONES.length} zones, ${TYPES.length} types)`);
console.log(`${new Date().toISOString()}, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, one core`);
console.log('spread(attribute:ecs.availability-zone), binpack(memory); memberOf(attribute:ecs.instance-type =~ m5.*)');
console.table([
  {
    path: 'planPlacements, one batch',
    tasks: TASKS,
    placed: bulkPlaced,
    'placements/s': Math.round(TASKS / bulkSeconds),
    'p50 µs': '',
    'p99 µs': '',
    'max µs': '',
    'first µs': '',
  },
  row('planPlacements, one task per call', indexed),
  row(`placeTask (reference), first ${REFERENCE_SAMPLE}`, reference),
]);
const zones = new Map<string, number>();
for (const decision of bulk) {
  if (decision.kind !== 'placed') continue;
  const zone = bulkFleet.byId.get(decision.instanceId)?.attributes.get('ecs.availability-zone') ?? '?';
  zones.set(zone, (zones.get(zone) ?? 0) + 1);
}
console.log('tasks per zone:', Object.fromEntries(zones));
const m5 = bulkFleet.instances.filter((i) => i.attributes.get('ecs.instance-type')?.startsWith('m5.'));
const share = (used: (i: (typeof m5)[number]) => number, total: (i: (typeof m5)[number]) => number) =>
  `${((100 * m5.reduce((sum, i) => sum + used(i), 0)) / m5.reduce((sum, i) => sum + total(i), 0)).toFixed(1)}%`;
console.log(
  `m5 instances: ${m5.length}; memory reserved ${share(
    (i) => i.registeredMemory - i.remainingMemory,
    (i) => i.registeredMemory,
  )},` +
    ` cpu reserved ${share(
      (i) => i.registeredCpu - i.remainingCpu,
      (i) => i.registeredCpu,
    )};` +
    ` instances used ${m5.filter((i) => i.taskCount > 0).length}`,
);
const unplaced = bulk.find((d) => d.kind === 'unplaceable');
if (unplaced?.kind === 'unplaceable') console.log('first unplaceable:', unplaced.message);
