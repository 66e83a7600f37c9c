import { services } from '../domain/collections.ts';
import { withEvent } from '../scheduler/service-events.ts';
import type { Service } from '../schemas/service.ts';
import type { ControlContext } from './context.ts';
import { updateWithRetry } from './listing.ts';

/**
 * Adds one event to a service's item, through a conditional write; an event
 * said recently already (`withEvent`'s repeat window) writes nothing.
 */
export async function recordServiceEvent(
  ctx: ControlContext,
  service: Pick<Service, 'clusterName' | 'serviceName'>,
  message: string,
): Promise<void> {
  const now = ctx.clock.now();
  const id = ctx.ids.next();
  await updateWithRetry(ctx.store, services, services.key(service.clusterName, service.serviceName), (s) => {
    const next = withEvent(s, message, now, id);
    return next === s ? undefined : next;
  });
}
