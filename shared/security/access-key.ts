import * as z from 'zod';
import { epochMs } from '../schemas/common.ts';
import { policyDocument } from './policy/document.ts';
import { accessKeyId, keyName } from './principal.ts';

/**
 * An access key as stored: its policy, and its secret encrypted by a
 * SecretCipher (KMS in AWS, a local key file in dev mode). The plaintext
 * secret exists only in the response that creates the key and, briefly, in
 * the verifier's memory.
 */
export const accessKeyStatus = z.enum(['Active', 'Inactive']);
export type AccessKeyStatus = z.infer<typeof accessKeyStatus>;

export const encryptedSecret = z.object({
  /** Which cipher and key encrypted it (`local:<fingerprint>`, `kms:<key id>`). */
  cipher: z.string().min(1),
  ciphertext: z.string().min(1),
});

export const storedAccessKey = z.object({
  accessKeyId,
  name: keyName,
  status: accessKeyStatus,
  policy: policyDocument,
  secret: encryptedSecret,
  createdAt: epochMs,
  disabledAt: epochMs.optional(),
  /** Set on a key replaced by rotation: the key that took over. */
  replacedBy: accessKeyId.optional(),
});
export type StoredAccessKey = z.infer<typeof storedAccessKey>;

/**
 * Binds a ciphertext to its key: decrypting it under another key's id fails,
 * so secrets cannot be swapped between items in the table.
 */
export function secretContext(id: string): Record<string, string> {
  return { purpose: 'berth-access-key-secret', accessKeyId: id };
}
