import * as z from 'zod';
import { accessKeyStatus } from './access-key.ts';
import { auditRecord } from './audit-record.ts';
import { policyDocument } from './policy/document.ts';
import { accessKeyId, keyName } from './principal.ts';
import { lazySchema } from '../schemas/lazy-schema.ts';

/**
 * The admin API under /admin/v1, shared by the router and the `berth` CLI:
 *
 *   POST /admin/v1/access-keys                 berth:CreateAccessKey
 *   GET  /admin/v1/access-keys                 berth:ListAccessKeys
 *   POST /admin/v1/access-keys/{id}/disable    berth:DisableAccessKey
 *   POST /admin/v1/access-keys/{id}/rotate     berth:RotateAccessKey
 *   GET  /admin/v1/audit?since=&limit=&nextToken=   berth:ReadAudit
 */
export const MAX_POLICY_BYTES = 10_240;

export const createAccessKeyRequest = lazySchema(() =>
  z
    .strictObject({
      name: keyName.optional(),
      policy: policyDocument.optional(),
      /** Shorthand for the administrator policy (`ecs:*` and `berth:*` on `*`). */
      admin: z.boolean().optional(),
    })
    .refine((r) => (r.policy !== undefined) !== (r.admin === true), 'give either a policy or admin: true'),
);
export type CreateAccessKeyRequest = z.infer<typeof createAccessKeyRequest>;

export const accessKeySummary = lazySchema(() =>
  z.object({
    accessKeyId,
    name: keyName,
    status: accessKeyStatus,
    principal: z.string(),
    createdAt: z.string(),
    disabledAt: z.string().optional(),
    replacedBy: accessKeyId.optional(),
    policy: policyDocument,
  }),
);
export type AccessKeySummary = z.infer<typeof accessKeySummary>;

/** The only shape that ever carries a secret: the answer to create and rotate. */
export const createdAccessKey = lazySchema(() => accessKeySummary.extend({ secretAccessKey: z.string() }));
export type CreatedAccessKey = z.infer<typeof createdAccessKey>;

export const createAccessKeyResponse = lazySchema(() => z.object({ accessKey: createdAccessKey }));
export const listAccessKeysResponse = lazySchema(() => z.object({ accessKeys: z.array(accessKeySummary) }));
export const disableAccessKeyResponse = lazySchema(() => z.object({ accessKey: accessKeySummary }));
export const rotateAccessKeyResponse = lazySchema(() =>
  z.object({ accessKey: createdAccessKey, replaced: accessKeySummary }),
);

export const MAX_AUDIT_PAGE = 1000;

export const readAuditRequest = lazySchema(() =>
  z.strictObject({
    /** ISO 8601 time; records at or after it. */
    since: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).optional(),
    nextToken: z.string().max(512).optional(),
  }),
);
export type ReadAuditRequest = z.infer<typeof readAuditRequest>;

export const readAuditResponse = lazySchema(() =>
  z.object({ records: z.array(auditRecord), nextToken: z.string().optional() }),
);
export type ReadAuditResponse = z.infer<typeof readAuditResponse>;
