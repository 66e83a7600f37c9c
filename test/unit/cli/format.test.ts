import { describe, expect, it } from 'vitest';
import { formatAudit, formatKeyTable } from '#cli/format.ts';
import type { AccessKeySummary } from '#shared/security/admin-api.ts';
import type { AuditRecord } from '#shared/security/audit-record.ts';
import { visibleLength } from '#cli/table.ts';

const key: AccessKeySummary = {
  accessKeyId: 'BKIAAAAAAAAAAAAAAAAA',
  name: 'a-rather-long-key-name-for-the-deployment-pipeline',
  status: 'Active',
  principal: 'arn:berth:iam::key/BKIAAAAAAAAAAAAAAAAA',
  createdAt: '2026-01-01T00:00:00.000Z',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['berth:*'], Resource: ['*'] }] },
};

describe('key and audit tables', () => {
  it('fit the terminal width when one is known', () => {
    const out = formatKeyTable([key], 60);
    for (const line of out.trimEnd().split('\n')) expect(visibleLength(line)).toBeLessThanOrEqual(60);
    expect(out).toContain('…');
  });

  it('print whole cells when piped', () => {
    expect(formatKeyTable([key])).toContain(key.name);
  });

  it('fit the audit log too', () => {
    const record = {
      time: '2026-01-01T00:00:00.000Z',
      outcome: 'allowed',
      action: 'ecs:RunTask',
      principal: 'arn:berth:iam::key/BKIAAAAAAAAAAAAAAAAA',
      sourceAddress: '127.0.0.1',
      resources: ['arn:aws:ecs:us-east-1:000000000000:cluster/a-cluster-with-a-long-name'],
      requestId: 'r',
    } as unknown as AuditRecord;
    for (const line of formatAudit([record], 80).trimEnd().split('\n'))
      expect(visibleLength(line)).toBeLessThanOrEqual(80);
  });
});
