import * as z from 'zod';
import { InvalidParameterError } from '#shared/domain/errors.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { QueryPage, Store } from '#shared/ports/store.ts';
import type { ReadAuditRequest, ReadAuditResponse } from '#shared/security/admin-api.ts';
import { auditDay, boundedAuditRecord, type AuditRecord } from '#shared/security/audit-record.ts';
import { auditRecords } from '#shared/security/collections.ts';

/**
 * The audit log over the Store port: one item per record, in a partition
 * per UTC day, sorted by time then request id. Records are only ever
 * created (a conditional create: an existing item is never overwritten).
 */
export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  read(request: ReadAuditRequest): Promise<ReadAuditResponse>;
}

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_LIMIT = 100;
const DEFAULT_SINCE_MS = DAY_MS;
/** Days read per call before answering with a nextToken, so a far `since` never makes one long request. */
const DAYS_PER_READ = 31;

const cursor = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), after: z.string().max(256) });

export function createAuditLog(options: { store: Store; clock: Clock; retentionDays?: number }): AuditLog {
  const { store, clock } = options;
  return {
    async append(record) {
      const expiresAt =
        options.retentionDays === undefined
          ? undefined
          : Math.ceil((Date.parse(record.time) + options.retentionDays * DAY_MS) / 1000);
      await store.create(auditRecords, boundedAuditRecord(record), expiresAt === undefined ? undefined : { expiresAt });
    },

    async read(request) {
      const limit = request.limit ?? DEFAULT_LIMIT;
      const start =
        request.nextToken !== undefined ? decodeCursor(request.nextToken) : sinceCursor(request.since, clock.now());
      const today = auditDay(new Date(clock.now()).toISOString());
      const records: AuditRecord[] = [];
      let day = start.day;
      let after: string | undefined = start.after;
      for (let read = 0; read < DAYS_PER_READ && day <= today; read += 1) {
        do {
          const page: QueryPage<AuditRecord> = await store.query(auditRecords, auditRecords.partition(day), {
            limit: limit - records.length,
            ...(after !== undefined && after !== '' && { after }),
          });
          records.push(...page.items.map((item) => item.value));
          const last = records[records.length - 1];
          if (records.length >= limit && last) {
            return { records, nextToken: encodeCursor({ day, after: auditRecords.sortOf(last) }) };
          }
          after = page.lastSort;
        } while (after !== undefined);
        day = nextDay(day);
      }
      return day <= today ? { records, nextToken: encodeCursor({ day, after: '' }) } : { records };
    },
  };
}

function sinceCursor(since: string | undefined, now: number): z.infer<typeof cursor> {
  const time = since === undefined ? new Date(now - DEFAULT_SINCE_MS) : new Date(since);
  // Sort keys are `<time>#<id>`; starting just below `<time>` includes records at that very millisecond.
  const iso = time.toISOString();
  return { day: auditDay(iso), after: iso.slice(0, -1) };
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);
}

function encodeCursor(value: z.infer<typeof cursor>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeCursor(token: string): z.infer<typeof cursor> {
  try {
    return cursor.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidParameterError('The nextToken is not one Berth issued', { nextToken: token });
  }
}
