import { auditRecord, type AuditRecord } from '#shared/security/audit-record.ts';
import { berthCli } from './berth-cli-run.ts';

/**
 * The audit log as an operator reads it: `berth audit --output json`
 * against the endpoint, signed with the given key (on the real clock).
 */
export async function auditViaCli(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  since = '1h',
): Promise<AuditRecord[]> {
  const { code, stdout, stderr } = await berthCli(endpoint, credentials, [
    'audit',
    '--since',
    since,
    '--limit',
    '10000',
    '--output',
    'json',
  ]);
  if (code !== 0) throw new Error(`berth audit failed (${code}): ${stderr}`);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => auditRecord.parse(JSON.parse(line)));
}
