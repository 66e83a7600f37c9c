import { tasks } from '#shared/domain/collections.ts';
import { markDraining, markRegistered } from '#shared/domain/traffic-drain.ts';
import { serving } from '#shared/dns/records.ts';
import { drainsThroughDnsView, servesDnsView } from '#shared/schemas/instance-attributes.ts';
import type { Versioned } from '#shared/ports/store.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { Service } from '#shared/schemas/service.ts';
import type { Task } from '#shared/schemas/task.ts';
import { serviceGroup } from '#shared/scheduler/service-tasks.ts';
import type { ControlContext } from '../context.ts';
import { DNS_TTL_SECONDS } from '../dns-view.ts';
import { updateWithRetry } from '../listing.ts';

/**
 * How long a task that left the DNS view keeps running before its stop:
 * twice the answers' TTL, so a resolver's cache and a proxy's next
 * resolution (HAProxy's `hold valid`, Caddy's refresh) have let it go, and
 * a second for the view to reach the agents.
 */
export const DNS_DRAIN_MS = (2 * DNS_TTL_SECONDS + 1) * 1000;

/**
 * The DNS view's drain, the way a load balancer's deregistration delay
 * works (reconcile-traffic.ts), for services with neither load balancers
 * nor service registries, whose steps drain their own tasks. While an agent
 * of the cluster serves the view (DNS_VIEW_ATTRIBUTE), a task in the view
 * is marked as taking traffic (`traffic.registeredAt`); a rolling
 * deployment counts it healthy only DNS_DRAIN_MS after that (warm-up, in
 * service-plan.ts), so proxies have found and checked it before the tasks
 * it replaces leave. Once it is to stop, it is out of the view at once and
 * held DEACTIVATING for DNS_DRAIN_MS before its containers get SIGTERM.
 * With no agent serving the view, nothing is held, and a mark left from
 * before is released at once.
 */
export async function reconcileDnsDrain(
  ctx: ControlContext,
  serviceItems: readonly Versioned<Service>[],
  instances: readonly ContainerInstance[],
  taskList: readonly Task[],
): Promise<void> {
  const served = servesDnsView(instances);
  const now = ctx.clock.now();
  const drainUntil = served ? now + DNS_DRAIN_MS : now;
  for (const { value: service } of serviceItems) {
    if (!drainsThroughDnsView(service)) continue;
    const key = (taskId: string) => tasks.key(service.clusterName, taskId);
    let released = 0;
    for (const task of taskList.filter((t) => t.group === serviceGroup(service.serviceName))) {
      if (served && task.traffic === undefined && serving(task)) {
        await updateWithRetry(ctx.store, tasks, key(task.taskId), markRegistered(now));
      } else if (
        task.traffic !== undefined &&
        task.traffic.drainUntil === undefined &&
        task.desiredStatus === 'STOPPED'
      ) {
        await updateWithRetry(ctx.store, tasks, key(task.taskId), markDraining(drainUntil));
        released++;
      }
    }
    // A drain that ends now is acted on by the next pass; one that ends later by the monitor's sweep after it.
    if (released > 0) await ctx.reconcile.requestReconcile(service.clusterName, 'tasks left the DNS view');
  }
}
