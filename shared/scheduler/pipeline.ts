/**
 * The placement pipeline, assembled in one place:
 *
 *   fleet.instances -> filters (cheapest first) -> scorers (user's order) -> choice
 *
 * `placeTask` is the reference: it reads every instance and is the meaning of
 * a placement. `planPlacements` places a batch through the indexed fast path
 * (fast/), which must choose an instance of equal score and, when nothing
 * fits, hands back this reference's own explanation.
 */
import type { PlacementStrategy } from '../schemas/task.ts';
import type { PlacementConstraint } from '../schemas/task-definition.ts';
import { RejectionTally } from './explain.ts';
import { findIndexed } from './fast/find-indexed.ts';
import { cpuFilter } from './filters/cpu.ts';
import { distinctInstanceFilter } from './filters/distinct-instance.ts';
import { memberOfFilter } from './filters/member-of.ts';
import { gpuFilter } from './filters/gpu.ts';
import { memoryFilter } from './filters/memory.ts';
import { portsFilter } from './filters/ports.ts';
import { statusFilter } from './filters/status.ts';
import type { CandidateInstance, Fleet } from './fleet.ts';
import { readConstraints, readStrategies, validatePlacement as validateRules } from './placement-rules.ts';
import { seededRandom } from './prng.ts';
import { reserve as reserveOnFleet } from './reservation.ts';
import { compareScores, scorersFor } from './scoring.ts';
import { placeOnInstance } from './targeted-placement.ts';
import type { Filter, PlacementDecision, PlacementObserver, PlacementRequest, Rejection } from './types.ts';

/**
 * The filters for a request, in the order they run.
 *
 * Cheapest first, so most rejections cost a comparison or two:
 *   1. status: two field reads; an instance that takes no work is out
 *      whatever else is true of it.
 *   2. cpu, then memory: one comparison each.
 *   3. ports: a set lookup per static host port, and nothing for the many
 *      tasks that have none.
 *   4. distinctInstance: one map lookup, only when asked for.
 *   5. memberOf: walks an expression tree with string and pattern tests;
 *      costliest, so it sees only instances everything else accepted.
 *
 * An instance that fails several filters is counted under the first that
 * rejects it, as ECS reports one reason per instance. The order therefore
 * also decides which reason a user reads: a DRAINING instance that is also
 * full shows as INACTIVE, the fact they can act on.
 */
export function filtersFor(request: PlacementRequest): Filter[] {
  const constraints = readConstraints(request.constraints);
  const filters: Filter[] = [statusFilter, cpuFilter(request.demand), memoryFilter(request.demand)];
  if (request.demand.gpus) filters.push(gpuFilter(request.demand.gpus));
  if (request.demand.ports.length > 0 || request.demand.portsUdp.length > 0) filters.push(portsFilter(request.demand));
  if (constraints.distinctInstance) filters.push(distinctInstanceFilter(request.group));
  for (const expression of constraints.memberOf) filters.push(memberOfFilter(expression));
  return filters;
}

/**
 * Chooses an instance for one task. Reads the fleet, never changes it. An
 * observer, when given, sees every instance's verdict as it is reached; the
 * decision is the same with or without one.
 */
export function placeTask(request: PlacementRequest, fleet: Fleet, observer?: PlacementObserver): PlacementDecision {
  const filters = filtersFor(request);
  const random = seededRandom(request.seed);
  const scorers = scorersFor(request, readStrategies(request.strategy), fleet, random);
  const tally = new RejectionTally();
  let best: CandidateInstance | undefined;
  let bestScores: number[] = [];
  let ties = 0;
  for (const instance of fleet.instances) {
    const rejection = firstRejection(filters, instance);
    if (rejection !== undefined) {
      tally.add(instance.id, rejection.reason, rejection.detail);
      observer?.rejected(instance, rejection);
      continue;
    }
    const scores = scorers.map((score) => score(instance));
    observer?.scored(instance, scores);
    const order = best === undefined ? 1 : compareScores(scores, bestScores);
    if (order > 0) {
      best = instance;
      bestScores = scores;
      ties = 1;
    } else if (order === 0) {
      // Final tie-break, seeded: the k-th equal candidate replaces the choice
      // with probability 1/k, which leaves each of them equally likely.
      ties += 1;
      if (random() * ties < 1) best = instance;
    }
  }
  return best === undefined ? tally.decision() : { kind: 'placed', instanceId: best.id };
}

function firstRejection(filters: readonly Filter[], instance: CandidateInstance): Rejection | undefined {
  for (const filter of filters) {
    const result = filter(instance);
    if (!result.ok) return result;
  }
  return undefined;
}

/** Applies a placement to the snapshot, so the next decision of a plan sees it. */
export function reserve(fleet: Fleet, instanceId: string, request: PlacementRequest): void {
  reserveOnFleet(fleet, instanceId, request);
}

/**
 * Places each request in order, reserving as it goes, so later tasks see the
 * earlier ones. The indexed fast path finds an instance of the same score as
 * `placeTask` would at that step; when it finds none (or does not cover the
 * request's strategies) `placeTask` decides, and so explains, itself.
 */
export function planPlacements(requests: readonly PlacementRequest[], fleet: Fleet): PlacementDecision[] {
  // An unplaceable task changes nothing, so a run of equal ones between two
  // reservations shares one explanation instead of reading the fleet each time.
  const explained = new Map<string, PlacementDecision>();
  return requests.map((request) => {
    if (request.instanceId !== undefined) {
      const decision = placeOnInstance(fleet, request.instanceId, filtersFor(request));
      if (decision.kind === 'placed') reserveOnFleet(fleet, decision.instanceId, request);
      return decision;
    }
    const instanceId = findIndexed(request, fleet);
    if (instanceId !== undefined) {
      reserveOnFleet(fleet, instanceId, request);
      return { kind: 'placed', instanceId };
    }
    const key = `${fleet.revision}|${filterSignature(request)}`;
    const decision = explained.get(key) ?? placeTask(request, fleet);
    if (decision.kind === 'placed') reserveOnFleet(fleet, decision.instanceId, request);
    else explained.set(key, decision);
    return decision;
  });
}

/** Everything the filters read of a request: equal signatures, equal rejections. */
function filterSignature(request: PlacementRequest): string {
  return JSON.stringify([request.demand, request.constraints, request.group ?? null]);
}

/**
 * Checks strategies and constraints as RunTask and CreateService receive
 * them: ClientError for limits and unknown fields, InvalidParameterError for
 * a malformed expression (its message names the column).
 */
export function validatePlacement(
  strategy: readonly PlacementStrategy[],
  constraints: readonly PlacementConstraint[],
): void {
  validateRules(strategy, constraints);
}
