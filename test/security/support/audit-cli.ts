import { runBerth } from '../../../cli/berth.ts';
import { auditRecord, type AuditRecord } from '../../../shared/security/audit-record.ts';

/**
 * The audit log as an operator reads it: `berth audit --output json`
 * against the endpoint, signed with the given key (on the real clock).
 */
export async function auditViaCli(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  since = '1h',
): Promise<AuditRecord[]> {
  let stdout = '';
  let stderr = '';
  const code = await runBerth(['audit', '--since', since, '--limit', '10000', '--output', 'json'], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: { BERTH_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey },
  });
  if (code !== 0) throw new Error(`berth audit failed (${code}): ${stderr}`);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => auditRecord.parse(JSON.parse(line)));
}
