/**
 * The port that keeps access-key secrets encrypted at rest. The context is
 * bound to the ciphertext (KMS encryption context, AES-GCM associated data):
 * decrypting with any other context fails.
 */
export interface SecretCipher {
  /** Names the key that encrypts (`local:<fingerprint>`, `kms:<key id>`); stored with each ciphertext. */
  readonly id: string;
  encrypt(plaintext: string, context: Readonly<Record<string, string>>): Promise<string>;
  decrypt(ciphertext: string, context: Readonly<Record<string, string>>): Promise<string>;
}
