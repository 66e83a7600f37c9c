import { dnsViews } from '../domain/collections.ts';
import type { DnsRecords } from '../schemas/dns-view.ts';
import type { ControlContext } from './context.ts';

/**
 * The DNS view for a poll (docs/networking.md, "The DNS view"): one GetItem
 * of the cluster's view item, and the records only when the agent's serial
 * is not the view's. Kept apart from the publishing side, which the api
 * function does not need.
 */
/** The view for a poll whose agent holds `serial`: undefined when it is current (or there is none yet). */
export async function dnsUpdate(ctx: ControlContext, cluster: string, serial: number): Promise<DnsRecords | undefined> {
  const view = await ctx.store.get(dnsViews, dnsViews.key(cluster));
  if (!view || view.value.serial === serial) return undefined;
  return { serial: view.value.serial, ttlSeconds: view.value.ttlSeconds, records: view.value.records };
}
