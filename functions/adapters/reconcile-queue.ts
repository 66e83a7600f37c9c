import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { ReconcileQueue } from '#shared/control/context.ts';
import type { Queue } from '#shared/ports/queue.ts';

/** The body of a reconcile request on the queue. */
export const reconcileMessage = z.object({
  cluster: z.string().min(1),
  reason: z.string().max(256),
  requestedAt: z.number().int(),
});
export type ReconcileMessage = z.infer<typeof reconcileMessage>;

/**
 * Reconcile requests go to the FIFO queue grouped by cluster, so one cluster
 * is reconciled by one consumer at a time. Each request gets its own
 * deduplication id: bursts are collapsed by the scheduler, which reconciles a
 * cluster once per batch however many requests the batch holds. (Collapsing
 * by a time-bucketed id instead would drop a request made just after a
 * reconcile had read the state, for up to five minutes.)
 */
export function queueReconciles(queue: Queue, now: () => number = Date.now): ReconcileQueue {
  return {
    async requestReconcile(cluster, reason) {
      const body: ReconcileMessage = { cluster, reason: reason.slice(0, 256), requestedAt: now() };
      await queue.send({ groupId: cluster, deduplicationId: randomUUID(), body: JSON.stringify(body) });
    },
  };
}
