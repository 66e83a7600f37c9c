import type { SecretCipher } from '#shared/security/secret-cipher.ts';
import type { KmsCalls } from './kms-calls.ts';
import { SecretCipherError } from './local-cipher.ts';

export interface KmsCipherOptions {
  /** The SDK's client (sdkKmsCalls) or Berth's lean one (createKmsJsonClient). */
  readonly client: KmsCalls;
  /** Key id, ARN or alias of a symmetric KMS key (BERTH_KMS_KEY_ID). */
  readonly keyId: string;
}

/**
 * Secrets encrypted by KMS. The context is KMS's encryption context: it is
 * bound to the ciphertext, must be given again to decrypt, and appears in
 * CloudTrail, so every decryption of a key's secret is logged with its id.
 */
export function kmsCipher(options: KmsCipherOptions): SecretCipher {
  const { client, keyId } = options;
  return {
    id: `kms:${keyId}`,
    async encrypt(plaintext, context) {
      const result = await client.call('Encrypt', {
        KeyId: keyId,
        Plaintext: Buffer.from(plaintext, 'utf8'),
        EncryptionContext: { ...context },
      });
      if (!result.CiphertextBlob) throw new SecretCipherError('KMS returned no ciphertext');
      return Buffer.from(result.CiphertextBlob).toString('base64');
    },
    async decrypt(ciphertext, context) {
      const result = await client.call('Decrypt', {
        KeyId: keyId,
        CiphertextBlob: Buffer.from(ciphertext, 'base64'),
        EncryptionContext: { ...context },
      });
      if (!result.Plaintext) throw new SecretCipherError('KMS returned no plaintext');
      return Buffer.from(result.Plaintext).toString('utf8');
    },
  };
}
