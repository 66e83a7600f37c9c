import * as z from 'zod';
import { epochMs, name255 } from './common.ts';
import { lazySchema } from './lazy-schema.ts';

/**
 * The DNS view of a cluster (docs/networking.md, "The DNS view"): the A and
 * SRV records of its services' serving tasks, as the agents' DNS servers
 * answer them. Names are fully qualified, lowercase, without the final dot.
 */
export const dnsRecord = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('A'), name: z.string(), address: z.string() }),
    z.object({
      type: z.literal('SRV'),
      name: z.string(),
      target: z.string(),
      port: z.number().int().min(1).max(65535),
    }),
  ]),
);
export type DnsRecord = z.infer<typeof dnsRecord>;

/** What a poll carries when the agent's copy is older: the whole view, replaced at once. */
export const dnsRecords = lazySchema(() =>
  z.object({
    /** Raised by every change of the records; the agent sends back the one it holds. */
    serial: z.number().int().nonnegative(),
    ttlSeconds: z.number().int().positive(),
    records: z.array(dnsRecord),
  }),
);
export type DnsRecords = z.infer<typeof dnsRecords>;

/** The one item per cluster the control plane keeps the view in. */
export const dnsView = dnsRecords.extend({
  clusterName: name255,
  updatedAt: epochMs,
  /** Services left out of the view (their names cannot be DNS labels), so each is told once. */
  refused: z.array(z.string()).default([]),
});
export type DnsView = z.infer<typeof dnsView>;
