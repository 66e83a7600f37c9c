import { randomUUID } from 'node:crypto';
import type { Clock } from '#shared/ports/clock.ts';
import type { AuditRecord } from '#shared/security/audit-record.ts';
import type { AuditThrottle, SuppressedRefusals } from '#shared/security/audit-throttle.ts';
import type { Logger } from '../runtime/logger.ts';
import type { AuditLog } from './audit-log.ts';

/**
 * How the guards write to the audit log. A record the table refuses goes to
 * the error log instead (the call's answer never depends on the audit
 * write). Refusals of unauthenticated calls pass a per-source throttle
 * first, so a flood of garbage cannot turn into a flood of table writes.
 */
export interface AuditRecorder {
  /** Always written: mutations, and refusals of a caller whose identity was proven. */
  record(entry: AuditRecord): Promise<void>;
  /** Written while the caller's source is under its budget for the minute, else counted into a summary. */
  recordUnauthenticated(entry: AuditRecord): Promise<void>;
}

/** The action of the summary record that stands for refusals counted but not written one by one. */
export const SUPPRESSED_ACTION = 'berth:UnauthenticatedCallsRefused';

export function createAuditRecorder(options: {
  audit: AuditLog;
  throttle: AuditThrottle;
  clock: Clock;
  logger: Logger;
}): AuditRecorder {
  const { audit, throttle, clock, logger } = options;

  async function record(entry: AuditRecord): Promise<void> {
    try {
      await audit.append(entry);
    } catch (error) {
      // The record is in the log line, so a table outage does not lose it outright.
      logger.error('audit record not written', { record: entry, error });
    }
  }

  return {
    record,
    async recordUnauthenticated(entry) {
      const now = clock.now();
      for (const summary of throttle.closed(now)) await record(summaryRecord(summary));
      if (throttle.admit(entry.sourceAddress, now)) await record(entry);
    },
  };
}

function summaryRecord(s: SuppressedRefusals): AuditRecord {
  return {
    time: new Date(s.until).toISOString(),
    requestId: randomUUID(),
    principal: 'anonymous',
    sourceAddress: s.source,
    action: SUPPRESSED_ACTION,
    resources: [],
    outcome: 'denied',
    errorCode: 'TooManyRefusals',
    errorMessage: `${s.count} more refused unauthenticated calls from ${s.source} between ${new Date(s.from).toISOString()} and ${new Date(s.until).toISOString()} were counted, not recorded one by one`,
  };
}
