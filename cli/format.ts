import type { AccessKeySummary, CreatedAccessKey } from '#shared/security/admin-api.ts';
import type { AuditRecord } from '#shared/security/audit-record.ts';
import { renderTable } from './table.ts';

/** How the CLI prints keys and audit records for a person; `--output json` prints the API's JSON instead. */

export function formatCreatedKey(key: CreatedAccessKey, verb: string): string {
  return formatCreatedKeyLines(key.accessKeyId, key.name, key.secretAccessKey, verb);
}

export function formatCreatedKeyLines(
  accessKeyId: string,
  name: string,
  secretAccessKey: string,
  verb: string,
): string {
  return [
    `${verb} access key ${accessKeyId} (${name}).`,
    'The secret is shown only now and cannot be read back; store it safely.',
    '',
    `AWS_ACCESS_KEY_ID=${accessKeyId}`,
    `AWS_SECRET_ACCESS_KEY=${secretAccessKey}`,
    '',
  ].join('\n');
}

function policySummary(key: AccessKeySummary): string {
  const statements = key.policy.Statement;
  const admin = statements.some(
    (s) => s.Effect === 'Allow' && (s.Action ?? []).includes('berth:*') && (s.Resource ?? []).includes('*'),
  );
  return admin ? 'administrator' : `${statements.length} statement${statements.length === 1 ? '' : 's'}`;
}

export function formatKeyTable(keys: readonly AccessKeySummary[], width = Number.POSITIVE_INFINITY): string {
  const rows = [
    ['ACCESS KEY ID', 'NAME', 'STATUS', 'CREATED', 'POLICY'],
    ...keys.map((k) => [
      k.accessKeyId,
      k.name,
      k.status,
      k.createdAt,
      policySummary(k) + (k.replacedBy ? ` (replaced by ${k.replacedBy})` : ''),
    ]),
  ];
  return table(rows, width);
}

export function formatAudit(records: readonly AuditRecord[], width = Number.POSITIVE_INFINITY): string {
  const rows = [
    ['TIME', 'OUTCOME', 'ACTION', 'PRINCIPAL', 'SOURCE', 'RESOURCES', 'ERROR'],
    ...records.map((r) => [
      r.time,
      r.outcome,
      r.action,
      r.principal,
      r.sourceAddress,
      r.resources.join(',') || '-',
      r.errorCode ?? '',
    ]),
  ];
  return table(rows, width);
}

function table(rows: readonly (readonly string[])[], width: number): string {
  const [header = [], ...body] = rows;
  return renderTable(header, body, width);
}
