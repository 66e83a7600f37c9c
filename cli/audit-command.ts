import type { AuditRecord } from '#shared/security/audit-record.ts';
import { MAX_AUDIT_PAGE } from '#shared/security/admin-api.ts';
import type { AdminClient } from './admin-client.ts';
import type { CliIo } from './explain.ts';
import { formatAudit } from './format.ts';
import { UsageError } from './keys-command.ts';

export const AUDIT_USAGE = `Usage:
  berth audit [--since TIME] [--limit N]

  --since TIME   an ISO 8601 time, or a time ago: 30m, 12h, 7d (default 24h)
  --limit N      at most N records, oldest first (default 100)`;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since` as an ISO time: taken as given, or counted back from now. */
export function sinceTime(value: string, now: number): string {
  const relative = /^(\d{1,6})([smhd])$/.exec(value);
  if (relative) return new Date(now - Number(relative[1]) * (UNITS[relative[2] ?? 's'] ?? 1000)).toISOString();
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed))
    throw new UsageError(`--since ${JSON.stringify(value)}: use an ISO 8601 time or a duration such as 30m, 12h, 7d`);
  return new Date(parsed).toISOString();
}

/** `berth audit`: follows nextToken until the limit is reached or the log ends. */
export async function auditCommand(
  args: { since?: string; limit?: string; json: boolean; width?: number },
  client: AdminClient,
  io: CliIo,
  now: number,
): Promise<void> {
  const limit = args.limit === undefined ? 100 : Number(args.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new UsageError('--limit must be a whole number from 1 to 100000');
  const since = sinceTime(args.since ?? '24h', now);
  const records: AuditRecord[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.readAudit({
      since,
      limit: Math.min(MAX_AUDIT_PAGE, limit - records.length),
      ...(nextToken !== undefined && { nextToken }),
    });
    records.push(...page.records);
    nextToken = page.nextToken;
  } while (nextToken !== undefined && records.length < limit);
  io.stdout(
    args.json
      ? `${records.map((r) => JSON.stringify(r)).join('\n')}${records.length > 0 ? '\n' : ''}`
      : formatAudit(records, args.width),
  );
}
