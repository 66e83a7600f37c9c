import { z } from 'zod';
import type { Collection } from '../ports/store.ts';
import { storedAccessKey, type StoredAccessKey } from './access-key.ts';
import { auditDay, auditRecord, type AuditRecord } from './audit-record.ts';

/**
 * Where the security items live in the one table. Partition names are
 * distinct from the control plane's (CLUSTER, FAMILY, TASKDEF, INSTANCE#,
 * TASK#, TOKEN#, SERVICE#).
 *
 * | partition          | sort key                 | item                              |
 * | ------------------ | ------------------------ | --------------------------------- |
 * | `ACCESSKEY`        | access key id            | access key (policy, encrypted secret) |
 * | `SIGV4#<signature>`| `claim`                  | replay record, expires with the signature |
 * | `AUDIT#<yyyy-mm-dd>` | `<ISO time>#<request id>` | audit record, created once          |
 */
export const accessKeys: Collection<StoredAccessKey> = {
  name: 'access-key',
  schema: storedAccessKey,
  partitionOf: () => 'ACCESSKEY',
  sortOf: (k) => k.accessKeyId,
};

export const signatureClaim = z.object({
  signature: z.string().regex(/^[0-9a-f]{64}$/),
  accessKeyId: z.string(),
  claimedAt: z.number().int(),
});
export type SignatureClaimRecord = z.infer<typeof signatureClaim>;

/** One partition per signature: claims spread over the table instead of heating one partition. */
export const signatureClaims: Collection<SignatureClaimRecord> = {
  name: 'sigv4-claim',
  schema: signatureClaim,
  partitionOf: (c) => `SIGV4#${c.signature}`,
  sortOf: () => 'claim',
};

export const auditRecords: Collection<AuditRecord> = {
  name: 'audit',
  schema: auditRecord,
  partitionOf: (r) => `AUDIT#${auditDay(r.time)}`,
  sortOf: (r) => `${r.time}#${r.requestId}`,
};
