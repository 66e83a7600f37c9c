import type { DnsRecords } from '#shared/schemas/dns-view.ts';
import { int, literal, string, type Check } from './check.ts';
import { array, object, union } from './compose.ts';

/** The DNS view a poll carries (shared/schemas/dns-view.ts). */
export const dnsRecords: Check<DnsRecords> = object({
  serial: int({ min: 0 }),
  ttlSeconds: int({ min: 1 }),
  records: array(
    union(
      object({ type: literal('A'), name: string(), address: string() }),
      object({ type: literal('SRV'), name: string(), target: string(), port: int({ min: 1, max: 65535 }) }),
    ),
  ),
});
