import fc from 'fast-check';
import type { Assignment, ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { PlacementStrategy } from '#shared/schemas/task.ts';
import type { PlacementConstraint } from '#shared/schemas/task-definition.ts';
import type { PlacementRequest } from '#shared/scheduler/types.ts';
import { assignment, containerInstance } from './fleet-fixtures.ts';

/** fast-check generators of small, varied fleets and task mixes for the property tests. */

const GROUPS = ['web', 'db'] as const;
export const ZONES = ['a', 'b', 'c'] as const;

const existingAssignment: fc.Arbitrary<Assignment> = fc
  .record({
    cpu: fc.integer({ min: 0, max: 1024 }),
    memory: fc.integer({ min: 0, max: 2048 }),
    ports: fc.subarray([80, 8080]),
    portsUdp: fc.subarray([53]),
    group: fc.option(fc.constantFrom(...GROUPS), { nil: undefined }),
    desiredStatus: fc.constantFrom<Assignment['desiredStatus']>('RUNNING', 'RUNNING', 'STOPPED'),
  })
  .map((spec) => assignment(spec));

/** `scale` multiplies the largest instance: 1 fills up within a few tasks, 8 rarely does. */
export function instanceArbitrary(id: string, scale = 1): fc.Arbitrary<ContainerInstance> {
  return fc
    .record({
      cpu: fc.integer({ min: 0, max: 4096 * scale }),
      memory: fc.integer({ min: 0, max: 8192 * scale }),
      status: fc.constantFrom<ContainerInstance['status']>('ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING'),
      // One instance in ten has lost its agent.
      disconnected: fc.integer({ min: 0, max: 9 }),
      zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined, freq: 6 }),
      type: fc.constantFrom('m5.large', 'm5.xlarge', 'c5.large'),
      reservedPorts: fc.subarray([22, 80]),
      assignments: fc.array(existingAssignment, { maxLength: 3 }),
    })
    .map((spec) =>
      containerInstance({
        id,
        cpu: spec.cpu,
        memory: spec.memory,
        status: spec.status,
        agentConnected: spec.disconnected !== 0,
        attributes: { 'ecs.instance-type': spec.type, ...(spec.zone === undefined ? {} : { zone: spec.zone }) },
        reservedPorts: spec.reservedPorts,
        assignments: spec.assignments,
      }),
    );
}

export function fleetOf(maxInstances: number, scale = 1): fc.Arbitrary<ContainerInstance[]> {
  return fc
    .integer({ min: 0, max: maxInstances })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => instanceArbitrary(`i${i}`, scale))));
}

export const fleetArbitrary = fleetOf(12);

const STRATEGIES: PlacementStrategy[] = [
  { type: 'binpack', field: 'memory' },
  { type: 'binpack', field: 'cpu' },
  { type: 'spread', field: 'instanceId' },
  { type: 'spread', field: 'attribute:zone' },
  { type: 'spread', field: 'attribute:ecs.instance-type' },
  { type: 'random' },
];

const EXPRESSIONS = [
  'attribute:ecs.instance-type =~ m5.*',
  'attribute:zone != c',
  'attribute:zone exists',
  'task:group != web',
  'runningTasksCount < 3',
];

export const strategyArbitrary: fc.Arbitrary<PlacementStrategy[]> = fc.array(fc.constantFrom(...STRATEGIES), {
  maxLength: 3,
});

const constraintsArbitrary: fc.Arbitrary<PlacementConstraint[]> = fc
  .record({
    distinct: fc.boolean(),
    expressions: fc.subarray(EXPRESSIONS, { maxLength: 2 }),
  })
  .map(({ distinct, expressions }) => [
    ...(distinct ? [{ type: 'distinctInstance' as const }] : []),
    ...expressions.map((expression) => ({ type: 'memberOf' as const, expression })),
  ]);

export function requestArbitrary(
  strategy: fc.Arbitrary<readonly PlacementStrategy[]> = strategyArbitrary,
): fc.Arbitrary<Omit<PlacementRequest, 'taskId'>> {
  return fc.record({
    demand: fc.record({
      cpu: fc.integer({ min: 0, max: 1536 }),
      memory: fc.integer({ min: 0, max: 3072 }),
      ports: fc.oneof(
        { weight: 4, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.subarray([80, 8080], { minLength: 1 }) },
      ),
      portsUdp: fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.constant([53]) }),
    }),
    strategy,
    constraints: constraintsArbitrary,
    group: fc.option(fc.constantFrom(...GROUPS), { nil: undefined, freq: 4 }),
    seed: fc.integer(),
  });
}

export function requestsArbitrary(
  strategy?: fc.Arbitrary<readonly PlacementStrategy[]>,
  maxLength = 25,
): fc.Arbitrary<PlacementRequest[]> {
  // size 'max' lets lengths range up to maxLength; fast-check's default keeps them near ten.
  return fc
    .array(requestArbitrary(strategy), { maxLength, size: 'max' })
    .map((requests) => requests.map((r, n) => ({ ...r, taskId: `t${n}` })));
}
