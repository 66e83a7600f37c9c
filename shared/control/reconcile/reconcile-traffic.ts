import { recordServiceEvent } from '../service-event.ts';
import { tasks } from '#shared/domain/collections.ts';
import { markDraining, markRegistered } from '#shared/domain/traffic-drain.ts';
import type { LoadBalancerTargets } from '#shared/ports/load-balancer-targets.ts';
import type { Versioned } from '#shared/ports/store.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { Service } from '#shared/schemas/service.ts';
import type { Task } from '#shared/schemas/task.ts';
import { label } from '#shared/scheduler/service-events.ts';
import { serviceGroup } from '#shared/scheduler/service-tasks.ts';
import { planTraffic, type GroupView } from '#shared/scheduler/traffic-plan.ts';
import type { ControlContext } from '../context.ts';
import { updateWithRetry } from '../listing.ts';
import { recordTargetHealth } from './record-target-health.ts';

/** Said when a service has load balancers but this control plane has no ELBv2 to call. */
export const NO_ELBV2 =
  'has load balancers, but Berth has no Elastic Load Balancing endpoint configured: its tasks are not registered (docs/load-balancers.md).';

/**
 * The load balancer step of a scheduler pass: for each service with
 * `loadBalancers`, read its target groups, plan (traffic-plan.ts), call
 * ELBv2, then mark the tasks. Registration happens before the mark and
 * deregistration before the drain mark, so a crash between the two is
 * repaired by the next pass, which sees the targets as they are.
 */
export async function reconcileTraffic(
  ctx: ControlContext,
  serviceItems: readonly Versioned<Service>[],
  instances: readonly ContainerInstance[],
  taskList: readonly Task[],
): Promise<void> {
  const balanced = serviceItems
    .map((s) => s.value)
    .filter((s) => s.loadBalancers.length > 0 && s.status !== 'INACTIVE');
  if (balanced.length === 0) return;
  const byId = new Map(instances.map((i) => [i.id, i]));
  for (const service of balanced) {
    const mine = taskList.filter((t) => t.group === serviceGroup(service.serviceName));
    if (!ctx.targets) {
      if (service.desiredCount > 0) await sayOnce(ctx, service, `${label(service)} ${NO_ELBV2}`);
      // Registered under an earlier configuration: nothing can deregister them now, so hold nothing.
      await drainAtOnce(ctx, service, mine);
      continue;
    }
    if (service.desiredCount === 0 && !mine.some(needsTraffic)) continue;
    await serviceStep(ctx, ctx.targets, service, mine, byId);
  }
}

async function serviceStep(
  ctx: ControlContext,
  targets: LoadBalancerTargets,
  service: Service,
  mine: readonly Task[],
  instances: ReadonlyMap<string, ContainerInstance>,
): Promise<void> {
  const groups = new Map<string, GroupView>();
  for (const lb of service.loadBalancers) {
    const lookup = await targets.describeTargetGroup(lb.targetGroupArn);
    groups.set(
      lb.targetGroupArn,
      lookup.found ? { ...lookup, current: await targets.health(lb.targetGroupArn) } : lookup,
    );
  }
  const now = ctx.clock.now();
  const plan = planTraffic({ service, tasks: mine, instances, groups, now });
  for (const change of plan.deregister) await targets.deregister(change.targetGroupArn, change.targets);
  for (const drain of plan.draining) {
    await updateWithRetry(ctx.store, tasks, tasks.key(service.clusterName, drain.taskId), markDraining(drain.until));
  }
  for (const change of plan.register) await targets.register(change.targetGroupArn, change.targets);
  for (const taskId of plan.registered) {
    await updateWithRetry(ctx.store, tasks, tasks.key(service.clusterName, taskId), markRegistered(now));
  }
  await recordTargetHealth(ctx, service, mine, groups, instances);
  for (const problem of plan.problems) await sayOnce(ctx, service, `${label(service)} ${problem}.`);
  // A drain that ends now (a lost task's) or later is acted on by a pass:
  // now, or the monitor's sweep after the delay.
  if (plan.draining.length > 0) await ctx.reconcile.requestReconcile(service.clusterName, 'targets deregistered');
}

async function drainAtOnce(ctx: ControlContext, service: Service, mine: readonly Task[]): Promise<void> {
  const now = ctx.clock.now();
  const held = mine.filter(
    (t) => t.traffic !== undefined && t.traffic.drainUntil === undefined && t.desiredStatus === 'STOPPED',
  );
  for (const task of held) {
    await updateWithRetry(ctx.store, tasks, tasks.key(service.clusterName, task.taskId), markDraining(now));
  }
  if (held.length > 0) await ctx.reconcile.requestReconcile(service.clusterName, 'targets released');
}

/** A task whose registration is still to be decided: serving without a mark, or leaving with one. */
function needsTraffic(task: Task): boolean {
  if (task.traffic === undefined) return task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING';
  return task.traffic.drainUntil === undefined;
}

function sayOnce(ctx: ControlContext, service: Service, message: string): Promise<void> {
  return recordServiceEvent(ctx, service, message);
}
