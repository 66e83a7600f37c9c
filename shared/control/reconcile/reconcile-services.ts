import { taskTags } from '../../domain/tags.ts';
import { arns } from '#shared/domain/arn.ts';
import { services } from '#shared/domain/collections.ts';
import { newTask } from '#shared/domain/new-task.ts';
import type { ControlContext } from '../context.ts';
import { requestStop } from '../tasks.ts';
import { markAssignmentStopping } from '../assignments.ts';
import { heldForDrain } from '#shared/domain/traffic-drain.ts';
import { drainsThroughDnsView, servesDnsView } from '#shared/schemas/instance-attributes.ts';
import { DNS_DRAIN_MS } from './reconcile-dns-drain.ts';
import { findTaskDefinition } from '../task-definitions.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { Service } from '#shared/schemas/service.ts';
import type { Task } from '#shared/schemas/task.ts';
import type { TaskDefinition } from '#shared/schemas/task-definition.ts';
import type { Versioned } from '#shared/ports/store.ts';
import { planDaemonService } from '#shared/scheduler/daemon-plan.ts';
import { label, taskList, withEvent } from '#shared/scheduler/service-events.ts';
import { planReplicaService, type ServicePlan } from '#shared/scheduler/service-plan.ts';
import { isOccupying, serviceGroup } from '#shared/scheduler/service-tasks.ts';
import { planTaskSets } from './task-set-plan.ts';
import { onProviders } from '../capacity-placement.ts';
import { checkTargetGroups } from './target-group-check.ts';

export interface ServicesOutcome {
  /**
   * Tasks this pass starts, built but not yet written: the placement step
   * writes each once, bound to the instance it found for it (after the
   * instance's assignment), or PROVISIONING to wait for capacity.
   */
  readonly fresh: Task[];
  readonly started: number;
  readonly stopped: number;
  /** The tasks this pass asked to stop (the DNS view drops them at once). */
  readonly stoppedTaskIds: string[];
  /** Services whose write lost a race; the next pass takes them up again. */
  readonly conflicts: number;
}

/**
 * Runs every service of the cluster one step towards what it should be.
 * The service item is written first, with its reconcileSeq raised, and only
 * then are tasks started or stopped: the conditional write fences two passes
 * that overlap (a duplicate delivery), so only one of them acts. Stops are
 * made here; the tasks to start are handed to placement (`fresh`).
 */
export async function reconcileServices(
  ctx: ControlContext,
  cluster: string,
  items: readonly Versioned<Service>[],
  instances: readonly ContainerInstance[],
  allTasks: readonly Task[],
): Promise<ServicesOutcome> {
  const instanceMap = new Map(instances.map((i) => [i.id, i]));
  const definitions = new Map<string, TaskDefinition>();
  const outcome = { fresh: [] as Task[], started: 0, stopped: 0, stoppedTaskIds: [] as string[], conflicts: 0 };
  const dnsServed = servesDnsView(instances);
  for (const item of items) {
    if (item.value.status === 'INACTIVE') continue;
    const group = serviceGroup(item.value.serviceName);
    const mine = allTasks.filter((t) => t.group === group);
    // Not asking for another pass here: the pass that is ahead finishes its
    // own work, and task reports or the monitor's sweep bring the next one.
    if (behind(item.value, mine, ctx.clock.now())) continue;
    const input = {
      service: item.value,
      tasks: mine,
      instances: instanceMap,
      now: ctx.clock.now(),
      newId: () => ctx.ids.next(),
      targetsWatched: ctx.targets !== undefined,
      ...(dnsServed && drainsThroughDnsView(item.value) && { dnsWarmupMs: DNS_DRAIN_MS }),
    };
    const planned =
      item.value.deploymentController === 'EXTERNAL'
        ? planTaskSets(input)
        : item.value.schedulingStrategy === 'DAEMON'
          ? planDaemonService(input)
          : planReplicaService(input);
    const plan = await checkTargetGroups(ctx, planned);
    const built = await commit(ctx, item, plan, mine, definitions);
    if (built === 'lost') {
      outcome.conflicts++;
      continue;
    }
    outcome.fresh.push(...built);
    outcome.started += built.length;
    outcome.stopped += plan.stop.length;
    outcome.stoppedTaskIds.push(...plan.stop.map((s) => s.taskId));
  }
  if (outcome.conflicts > 0) await ctx.reconcile.requestReconcile(cluster, 'service write conflicts');
  return outcome;
}

async function commit(
  ctx: ControlContext,
  item: Versioned<Service>,
  plan: ServicePlan,
  mine: readonly Task[],
  definitions: Map<string, TaskDefinition>,
): Promise<Task[] | 'lost'> {
  const now = ctx.clock.now();
  const acting = plan.start.length + plan.stop.length > 0;
  const fresh = plan.start.map((s) => ({ ...s, taskId: ctx.ids.next() }));
  let next = plan.service;
  if (fresh.length > 0) {
    next = withEvent(
      next,
      `${label(next)} has started ${fresh.length} tasks: ${taskList(fresh.map((f) => f.taskId))}.`,
      now,
      ctx.ids.next(),
    );
  }
  const stoppingRunning = plan.stop.filter((s) => mine.find((t) => t.taskId === s.taskId)?.lastStatus === 'RUNNING');
  if (stoppingRunning.length > 0) {
    const ids = stoppingRunning.map((s) => s.taskId);
    next = withEvent(
      next,
      `${label(next)} has stopped ${ids.length} running tasks: ${taskList(ids)}.`,
      now,
      ctx.ids.next(),
    );
  }
  const finished = next.status === 'DRAINING' && !acting && !mine.some(isOccupying);
  if (finished) next = { ...next, status: 'INACTIVE', deployments: [] };
  if (acting) {
    next = {
      ...next,
      reconcileSeq: next.reconcileSeq + 1,
      lastPass: { at: now, started: fresh.map((f) => f.taskId), stopped: plan.stop.map((s) => s.taskId) },
    };
  }
  if (JSON.stringify(next) === JSON.stringify(item.value)) return [];
  // The fence: a pass that read an older service acts on nothing.
  const fence = await ctx.store.tryReplace(
    services,
    next,
    item.version,
    finished ? { expiresAt: Math.floor(now / 1000) + 3600 } : {},
  );
  if (!fence.written) return 'lost';

  for (const s of plan.stop) {
    const stopping = await requestStop(ctx, next.clusterName, s.taskId, 'ServiceSchedulerInitiated', s.reason);
    // This pass is the scheduler: it tells the instance now rather than on the next pass,
    // unless the task drains from its load balancers first (reconcile-traffic.ts).
    if (stopping && heldForDrain(stopping, now)) {
      await ctx.reconcile.requestReconcile(next.clusterName, 'task draining');
    } else if (stopping?.containerInstanceId !== undefined && stopping.lastStatus !== 'STOPPED') {
      await markAssignmentStopping(ctx, next.clusterName, stopping.containerInstanceId, s.taskId);
    }
  }
  const built: Task[] = [];
  for (const start of fresh) {
    const definition = await definitionOf(ctx, start.taskDefinitionArn, definitions);
    const task = newTask({
      taskId: start.taskId,
      containerIds: definition.containerDefinitions.map(() => ctx.ids.next()),
      clusterName: next.clusterName,
      taskDefinitionArn: arns.taskDefinition(ctx.deployment, definition.family, definition.revision),
      definition,
      overrides: {},
      startedBy: start.deploymentId,
      group: serviceGroup(next.serviceName),
      placementStrategy: next.placementStrategy,
      placementConstraints: [...(definition.placementConstraints ?? []), ...next.placementConstraints],
      tags: taskTags({
        ...(next.propagateTags !== undefined && { propagateTags: next.propagateTags }),
        ...(definition.tags !== undefined && { definitionTags: definition.tags }),
        serviceTags: next.tags,
        ...(next.enableECSManagedTags === true && {
          managed: { cluster: next.clusterName, service: next.serviceName },
        }),
      }),
      now,
      ...(start.pinnedInstanceId !== undefined && { pinnedInstanceId: start.pinnedInstanceId }),
      awsvpcConfiguration: launchNetwork(next, start.deploymentId),
    });
    built.push(task);
  }
  return onProviders(built, next.capacityProviderStrategy, mine);
}

/** The awsvpcConfiguration of the deployment a task is started for; the service's for one no longer held. */
function launchNetwork(service: Service, deploymentId: string) {
  const deployment = service.deployments.find((d) => d.id === deploymentId);
  return (deployment ?? service).networkConfiguration?.awsvpcConfiguration;
}

/** How long a pass may take between announcing its actions and finishing them. */
const PASS_DEADLINE_MS = 30_000;

/**
 * True when the task snapshot predates the actions the last pass announced
 * (a concurrent pass wrote the service, then we read tasks before it had
 * created or stopped them). Acting on it could start too many tasks or stop
 * too many healthy ones; the next pass reads again. A pass that announced
 * actions and died is given up on after a deadline.
 */
export function behind(service: Service, mine: readonly Task[], now: number): boolean {
  const { at, started, stopped } = service.lastPass;
  if (now - at > PASS_DEADLINE_MS) return false;
  const byId = new Map(mine.map((t) => [t.taskId, t]));
  return (
    started.some((id) => !byId.has(id)) ||
    stopped.some((id) => {
      const task = byId.get(id);
      return task !== undefined && task.desiredStatus !== 'STOPPED';
    })
  );
}

async function definitionOf(
  ctx: ControlContext,
  arn: string,
  cache: Map<string, TaskDefinition>,
): Promise<TaskDefinition> {
  const cached = cache.get(arn);
  if (cached) return cached;
  const found = (await findTaskDefinition(ctx, arn)).value;
  cache.set(arn, found);
  return found;
}

/** Adds a placement failure to a service's events (best effort: the next pass says it again). */
export async function recordUnplaceable(
  ctx: ControlContext,
  cluster: string,
  serviceName: string,
  message: string,
): Promise<void> {
  const key = services.key(cluster, serviceName);
  const current = await ctx.store.get(services, key);
  if (!current) return;
  const text = `${label(current.value)} was unable to place a task because no container instance met all of its requirements. ${message}`;
  const next = withEvent(current.value, text, ctx.clock.now(), ctx.ids.next());
  if (next === current.value) return;
  // A lost race drops the event: the next pass that still cannot place says it again.
  await ctx.store.tryReplace(services, next, current.version);
}
