import * as z from 'zod';
import { inOnePartition, perCluster, type KeyedCollection } from '../domain/collections.ts';
import { storedAccessKey, type StoredAccessKey } from './access-key.ts';
import {
  instanceCredentialRecord,
  storedRegistrationToken,
  storedSigningKey,
  type InstanceCredentialRecord,
  type StoredRegistrationToken,
  type StoredSigningKey,
} from './agent-credentials.ts';
import { auditDay, auditRecord, type AuditRecord } from './audit-record.ts';
import { lazySchema } from '../schemas/lazy-schema.ts';

/**
 * Where the security items live in the one table. Partition names are
 * distinct from the control plane's (shared/domain/collections.ts). Callers
 * build keys with each collection's `key(...)` and `partition(...)`; only
 * this file and that one spell a partition. (The cluster policies and the
 * stored secrets keep their collections beside their schemas, with the same
 * builders.)
 *
 * | partition          | sort key                 | item                              |
 * | ------------------ | ------------------------ | --------------------------------- |
 * | `ACCESSKEY`        | access key id            | access key (policy, encrypted secret) |
 * | `SIGV4#<signature>`| `claim`                  | replay record, expires with the signature |
 * | `AUDIT#<yyyy-mm-dd>` | `<ISO time>#<request id>` | audit record, created once          |
 */
export const accessKeys = inOnePartition<StoredAccessKey>('ACCESSKEY', {
  name: 'access-key',
  schema: storedAccessKey,
  sortOf: (k) => k.accessKeyId,
});

export const signatureClaim = lazySchema(() =>
  z.object({
    signature: z.string().regex(/^[0-9a-f]{64}$/),
    accessKeyId: z.string(),
    claimedAt: z.number().int(),
  }),
);
export type SignatureClaimRecord = z.infer<typeof signatureClaim>;

/** One partition per signature: claims spread over the table instead of heating one partition. */
export const signatureClaims: KeyedCollection<SignatureClaimRecord, [signature: string], [signature: string]> = {
  name: 'sigv4-claim',
  schema: signatureClaim,
  partition: (signature) => `SIGV4#${signature}`,
  key: (signature) => ({ partition: signatureClaims.partition(signature), sort: 'claim' }),
  partitionOf: (c) => signatureClaims.partition(c.signature),
  sortOf: (c) => signatureClaims.key(c.signature).sort,
};

/** One partition per day (`yyyy-mm-dd`), so reading the log is a query per day. */
export const auditRecords: KeyedCollection<AuditRecord, [day: string], [time: string, requestId: string]> = {
  name: 'audit',
  schema: auditRecord,
  partition: (day) => `AUDIT#${day}`,
  key: (time, requestId) => ({ partition: auditRecords.partition(auditDay(time)), sort: `${time}#${requestId}` }),
  partitionOf: (r) => auditRecords.partition(auditDay(r.time)),
  sortOf: (r) => auditRecords.key(r.time, r.requestId).sort,
};

/**
 * Agent credentials (shared/security/agent-credentials.ts has their shapes):
 *
 * | partition             | sort key     | item                                   |
 * | --------------------- | ------------ | -------------------------------------- |
 * | `AGENTTOKEN`          | token SHA-256 | registration token (hashed), expires  |
 * | `AGENTKEY`            | key id       | credential signing key (encrypted)     |
 * | `AGENTCRED#<cluster>` | instance id  | the instance's current credential serial |
 */
export const registrationTokens = inOnePartition<StoredRegistrationToken>('AGENTTOKEN', {
  name: 'agent-registration-token',
  schema: storedRegistrationToken,
  sortOf: (t) => t.tokenHash,
});

export const signingKeys = inOnePartition<StoredSigningKey>('AGENTKEY', {
  name: 'agent-signing-key',
  schema: storedSigningKey,
  sortOf: (k) => k.keyId,
});

export const instanceCredentials = perCluster<InstanceCredentialRecord>('AGENTCRED', {
  name: 'agent-instance-credential',
  schema: instanceCredentialRecord,
  clusterOf: (r) => r.cluster,
  sortOf: (r) => r.instanceId,
});
