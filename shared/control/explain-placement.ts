import { arns } from '../domain/arn.ts';
import { containerInstances } from '../domain/collections.ts';
import { InvalidParameterError } from '../domain/errors.ts';
import type { RunTaskRequest } from '../schemas/ecs-requests.ts';
import type { ExplainPlacementResponse, ReasonExplanation, TaskExplanation } from '../schemas/explain-placement.ts';
import type { PlacementStrategy, Task } from '../schemas/task.ts';
import { buildFleet, type Fleet } from '../scheduler/fleet.ts';
import { placementRequestOf } from '../scheduler/placement-request.ts';
import { placeTask, planPlacements } from '../scheduler/pipeline.ts';
import { compareScores } from '../scheduler/scoring.ts';
import type { PlacementRequest, ReasonCount } from '../scheduler/types.ts';
import { Verdicts } from '../scheduler/verdicts.ts';
import type { ControlContext } from './context.ts';
import { readAll } from './listing.ts';
import { runTaskBuilder } from './run-task-build.ts';
import { onProviders } from './capacity-placement.ts';
import { resolveRunTask } from './tasks.ts';

/**
 * "Where would this RunTask put its tasks, and why": the same checks as
 * RunTask, the same plan as the scheduler (planPlacements over a snapshot of
 * the fleet, each task seeing the reservations of those before it), and for
 * each task every instance's verdict. It reads and never writes.
 *
 * Ties that survive every strategy are broken by a draw seeded from the task
 * id; a dry run's tasks have ids of their own, so among `tiedWith` equal
 * instances a real run may pick another.
 */
export async function explainPlacement(
  ctx: ControlContext,
  request: RunTaskRequest,
): Promise<ExplainPlacementResponse> {
  const resolved = await resolveRunTask(ctx, request);
  const build = runTaskBuilder(ctx, request, resolved);
  // As RunTask: each task on the provider its strategy gives it, bound to that provider's instances.
  const built = Array.from({ length: resolved.count }, () => build(ctx.ids.next()));
  return explainTasks(ctx, resolved.cluster, onProviders(built, resolved.capacity));
}

/**
 * The plan for tasks already built (a dry run's, or a pending task as it is
 * stored), each placed as the scheduler places it: by its own constraints,
 * strategy, group and seed.
 */
export async function explainTasks(
  ctx: ControlContext,
  cluster: string,
  built: readonly Task[],
): Promise<ExplainPlacementResponse> {
  const instances = (await readAll(ctx.store, containerInstances, containerInstances.partition(cluster)))
    .map((i) => i.value)
    .filter((i) => i.status !== 'INACTIVE');
  if (instances.length === 0) throw new InvalidParameterError('No Container Instances were found in your cluster.');

  const first = built[0] as Task;
  const requests = built.map(placementRequestOf);
  const fleet = buildFleet(instances);
  const arnOf = (id: string) => arns.containerInstance(ctx.deployment, cluster, id);
  // One request at a time on one fleet: planPlacements reserves as it goes,
  // so this is the plan a batch would make, with a look at each step.
  const tasks = requests.map((placement, index) => explainOne(placement, index, fleet, first.placementStrategy, arnOf));
  const demand = requests[0]?.demand ?? { cpu: 0, memory: 0, ports: [], portsUdp: [] };
  return {
    cluster,
    taskDefinitionArn: first.taskDefinitionArn,
    group: first.group ?? `family:${first.family}`,
    demand: { cpu: demand.cpu, memory: demand.memory, ports: [...demand.ports], portsUdp: [...demand.portsUdp] },
    instances: instances.length,
    tasks,
  };
}

function explainOne(
  request: PlacementRequest,
  index: number,
  fleet: Fleet,
  strategy: readonly PlacementStrategy[],
  arnOf: (id: string) => string,
): TaskExplanation {
  const verdicts = judge(request, fleet);
  const [decision] = planPlacements([request], fleet);
  if (decision === undefined || decision.kind === 'unplaceable') {
    const reasons = decision?.reasons ?? [];
    return {
      index,
      placed: false,
      message: decision?.message ?? '',
      reasons: reasons.map((r) => withDetails(r, verdicts, arnOf)),
    };
  }
  const chosen = verdicts.scores.get(decision.instanceId) ?? [];
  let tiedWith = 0;
  for (const scores of verdicts.scores.values()) if (compareScores(scores, chosen) === 0) tiedWith++;
  const placed = verdicts.tally.decision();
  const rejected = placed.kind === 'unplaceable' ? placed.reasons : [];
  const named: PlacementStrategy[] = strategy.length > 0 ? [...strategy] : [{ type: 'random' }];
  return {
    index,
    placed: true,
    containerInstanceArn: arnOf(decision.instanceId),
    scores: named.map((s, i) => ({
      type: s.type,
      ...(s.field !== undefined && s.type !== 'random' && { field: s.field }),
      score: s.type === 'random' ? null : (chosen[i] ?? null),
    })),
    candidates: verdicts.scores.size,
    tiedWith: Math.max(tiedWith, 1),
    rejected: rejected.map((r) => withDetails(r, verdicts, arnOf)),
  };
}

/** Every instance's verdict on one request, before the plan reserves anything for it. */
function judge(request: PlacementRequest, fleet: Fleet): Verdicts {
  const verdicts = new Verdicts(request);
  placeTask(request, fleet, verdicts);
  return verdicts;
}

function withDetails(reason: ReasonCount, verdicts: Verdicts, arnOf: (id: string) => string): ReasonExplanation {
  const own = new Map((verdicts.details.get(reason.reason) ?? []).map((d) => [d.id, d.detail]));
  return {
    reason: reason.reason,
    count: reason.count,
    example: reason.example,
    instances: reason.instanceIds.map((id) => ({
      containerInstanceArn: arnOf(id),
      detail: own.get(id) ?? reason.example,
    })),
  };
}
