import { dnsViews, services } from '../domain/collections.ts';
import { clusterDnsRecords, type RefusedService } from '../dns/records.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { DnsView } from '../schemas/dns-view.ts';
import type { Service } from '../schemas/service.ts';
import type { Task } from '../schemas/task.ts';
import { label, withEvent } from '../scheduler/service-events.ts';
import type { ControlContext } from './context.ts';
import { updateWithRetry } from './update-with-retry.ts';

/** Short, so a resolver that caches the answers still follows a deployment within seconds. */
export const DNS_TTL_SECONDS = 2;

/**
 * Brings the cluster's DNS view up to date with a reconcile pass's snapshot:
 * one read of the view item, and a write only when the records changed,
 * which wakes the cluster's held polls so every agent has them within a
 * round trip. Tasks the pass just asked to stop are dropped now, before
 * their containers go. A lost race is left to the next pass: every report
 * that changes a service task asks for one.
 */
export async function publishDnsView(
  ctx: ControlContext,
  cluster: string,
  snapshot: {
    readonly services: readonly Service[];
    readonly instances: readonly ContainerInstance[];
    readonly tasks: readonly Task[];
    readonly stopping: readonly string[];
  },
): Promise<void> {
  const stopping = new Set(snapshot.stopping);
  const { records, refused } = clusterDnsRecords({
    clusterName: cluster,
    services: snapshot.services,
    instances: snapshot.instances,
    tasks: snapshot.tasks.filter((t) => !stopping.has(t.taskId)),
  });
  const current = await ctx.store.get(dnsViews, dnsViews.key(cluster));
  const refusedNames = refused.map((r) => r.serviceName);
  if (
    current &&
    JSON.stringify(current.value.records) === JSON.stringify(records) &&
    JSON.stringify(current.value.refused) === JSON.stringify(refusedNames)
  ) {
    return;
  }
  const next: DnsView = {
    clusterName: cluster,
    serial: (current?.value.serial ?? 0) + 1,
    ttlSeconds: DNS_TTL_SECONDS,
    records,
    refused: refusedNames,
    updatedAt: ctx.clock.now(),
  };
  const outcome = current
    ? await ctx.store.tryReplace(dnsViews, next, current.version)
    : await ctx.store.tryCreate(dnsViews, next);
  if (!outcome.written) return;
  ctx.changes?.changed(
    cluster,
    snapshot.instances.map((i) => i.id),
  );
  const told = new Set(current?.value.refused ?? []);
  for (const refusal of refused.filter((r) => !told.has(r.serviceName))) await tellRefusal(ctx, cluster, refusal);
}

/** The service hears once why it has no records: when it joins the refused, not on every pass. */
async function tellRefusal(ctx: ControlContext, cluster: string, refusal: RefusedService): Promise<void> {
  await updateWithRetry(ctx.store, services, services.key(cluster, refusal.serviceName), (service) =>
    withEvent(service, `${label(service)} has no DNS records: ${refusal.reason}.`, ctx.clock.now(), ctx.ids.next()),
  );
}
