import * as z from 'zod';

/**
 * One line of the audit log: every mutating call (whatever its outcome) and
 * every refused call. Records are created, never replaced or deleted by
 * Berth, and carry no secrets and no request bodies.
 */
export const auditOutcome = z.enum([
  'succeeded',
  'failed',
  'denied',
  /** Allowed by a router that authorises in one step and reports no outcome. */
  'admitted',
]);
export type AuditOutcome = z.infer<typeof auditOutcome>;

export const auditRecord = z.object({
  /** ISO 8601 with milliseconds, UTC. */
  time: z.string(),
  requestId: z.string().min(1).max(64),
  /** The key's principal ARN, or `anonymous` when the signature did not check out. */
  principal: z.string().max(512),
  /** The key id the request claimed, when it could be read. */
  accessKeyId: z.string().max(128).optional(),
  sourceAddress: z.string().max(128),
  userAgent: z.string().max(256).optional(),
  action: z.string().max(160),
  resources: z.array(z.string().max(2048)).max(100),
  outcome: auditOutcome,
  errorCode: z.string().max(128).optional(),
  errorMessage: z.string().max(1024).optional(),
});
export type AuditRecord = z.infer<typeof auditRecord>;

/** The partition of a day's records: `2026-01-31`. */
export function auditDay(time: string): string {
  return time.slice(0, 10);
}

/** Bounds every free-text field, so a hostile request cannot bloat the log. */
export function boundedAuditRecord(record: AuditRecord): AuditRecord {
  const cut = (value: string | undefined, max: number) => (value === undefined ? undefined : value.slice(0, max));
  return {
    ...record,
    principal: record.principal.slice(0, 512),
    sourceAddress: record.sourceAddress.slice(0, 128),
    action: record.action.slice(0, 160),
    resources: record.resources.slice(0, 100).map((r) => r.slice(0, 2048)),
    ...(record.accessKeyId !== undefined && { accessKeyId: cut(record.accessKeyId, 128) }),
    ...(record.userAgent !== undefined && { userAgent: cut(record.userAgent, 256) }),
    ...(record.errorCode !== undefined && { errorCode: cut(record.errorCode, 128) }),
    ...(record.errorMessage !== undefined && { errorMessage: cut(record.errorMessage, 1024) }),
  };
}
