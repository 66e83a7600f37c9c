import { recordServiceEvent } from '../service-event.ts';
import { tasks } from '#shared/domain/collections.ts';
import { markDraining, markRegistered } from '#shared/domain/traffic-drain.ts';
import type { ServiceDiscovery } from '#shared/ports/service-discovery.ts';
import type { Versioned } from '#shared/ports/store.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { Service } from '#shared/schemas/service.ts';
import type { ServiceRegistry } from '#shared/schemas/service-registry.ts';
import type { Task } from '#shared/schemas/task.ts';
import { planDiscovery, registryServiceId, type DiscoveryPlan } from '#shared/scheduler/discovery-plan.ts';
import { label } from '#shared/scheduler/service-events.ts';
import { serviceGroup } from '#shared/scheduler/service-tasks.ts';
import type { ControlContext } from '../context.ts';
import { updateWithRetry } from '../listing.ts';

/** Said when a service has a service registry but this control plane has no Cloud Map to call. */
export const NO_CLOUD_MAP =
  'has a service registry, but Berth has no AWS Cloud Map endpoint configured: its tasks are not registered (docs/networking.md).';

/**
 * The Cloud Map step of a scheduler pass, beside the load balancer one: for
 * each service with `serviceRegistries`, read its Cloud Map service and
 * instances, plan (discovery-plan.ts), call Cloud Map, then mark the tasks.
 * A registered task is held DEACTIVATING when stopped until a pass sees it
 * gone from the registry; a service with load balancers leaves that hold to
 * the load balancer step, which drains for longer.
 */
export async function reconcileDiscovery(
  ctx: ControlContext,
  serviceItems: readonly Versioned<Service>[],
  instances: readonly ContainerInstance[],
  taskList: readonly Task[],
): Promise<void> {
  const registered = serviceItems
    .map((s) => s.value)
    .filter((s) => (s.serviceRegistries ?? []).length > 0 && s.status !== 'INACTIVE');
  if (registered.length === 0) return;
  const byId = new Map(instances.map((i) => [i.id, i]));
  for (const service of registered) {
    const mine = taskList.filter((t) => t.group === serviceGroup(service.serviceName));
    for (const registry of service.serviceRegistries ?? []) {
      try {
        const plan = ctx.discovery
          ? await planFor(ctx.discovery, service, registry, mine, byId)
          : withoutCloudMap(service, mine);
        await apply(ctx, service, registry, plan);
      } catch (error) {
        // A Cloud Map fault must not fail the pass: a failed pass holds the
        // cluster's queue group for the visibility timeout. The next pass
        // (the monitor's sweep) tries again; stops stay held meanwhile.
        const reason = error instanceof Error ? error.message : String(error);
        await sayOnce(ctx, service, `service registry ${registry.registryArn} could not be reached: ${reason}`);
      }
    }
  }
}

async function planFor(
  discovery: ServiceDiscovery,
  service: Service,
  registry: ServiceRegistry,
  mine: readonly Task[],
  instances: ReadonlyMap<string, ContainerInstance>,
): Promise<DiscoveryPlan> {
  const id = registryServiceId(registry.registryArn);
  const lookup = await discovery.lookup(id);
  const current = lookup.found ? await discovery.instances(id) : [];
  const health = lookup.found && lookup.customHealth ? await discovery.health(id) : {};
  return planDiscovery({ service, registry, lookup, current, health, tasks: mine, instances });
}

/** Nothing can be registered or deregistered: say so, and hold no stop for it. */
function withoutCloudMap(service: Service, mine: readonly Task[]): DiscoveryPlan {
  const plan = planDiscovery({
    service,
    registry: { registryArn: '' },
    lookup: { found: false, reason: '' },
    current: [],
    health: {},
    tasks: mine,
    instances: new Map(),
  });
  return { ...plan, problems: service.desiredCount > 0 ? [NO_CLOUD_MAP] : [] };
}

async function apply(ctx: ControlContext, service: Service, registry: ServiceRegistry, plan: DiscoveryPlan) {
  const key = (taskId: string) => tasks.key(service.clusterName, taskId);
  const id = registryServiceId(registry.registryArn);
  const now = ctx.clock.now();
  if (ctx.discovery) {
    for (const instanceId of plan.deregister) await ctx.discovery.deregister(id, instanceId);
    for (const instance of plan.register) await ctx.discovery.register(id, instance);
    for (const change of plan.health) await ctx.discovery.setHealth(id, change.id, change.status);
  }
  for (const taskId of plan.registered) await updateWithRetry(ctx.store, tasks, key(taskId), markRegistered(now));
  for (const taskId of plan.deactivating) await updateWithRetry(ctx.store, tasks, key(taskId), deactivating);
  // With load balancers, their step drains the task (for longer): it releases the stop.
  const releasing = service.loadBalancers.length === 0 ? plan.released : [];
  for (const taskId of releasing) await updateWithRetry(ctx.store, tasks, key(taskId), markDraining(now));
  for (const problem of plan.problems) await sayOnce(ctx, service, problem);
  // Cloud Map deregisters asynchronously: a later pass sees the instance gone and releases the stop.
  if (plan.deregister.length > 0 || releasing.length > 0) {
    await ctx.reconcile.requestReconcile(service.clusterName, 'service registry changed');
  }
}

/** Shown as ECS shows a task being taken out of service discovery; the stop is still held. */
function deactivating(task: Task): Task | undefined {
  return task.lastStatus === 'RUNNING' ? { ...task, lastStatus: 'DEACTIVATING' } : undefined;
}

function sayOnce(ctx: ControlContext, service: Service, problem: string): Promise<void> {
  return recordServiceEvent(ctx, service, `${label(service)} ${problem.endsWith('.') ? problem : `${problem}.`}`);
}
