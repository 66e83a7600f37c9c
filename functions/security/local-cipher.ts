import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import type { SecretCipher } from '#shared/security/secret-cipher.ts';

/**
 * Secrets encrypted with AES-256-GCM under a local key, for dev mode and
 * self-hosting without KMS. The context is the cipher's associated data, so
 * a ciphertext moved to another key's item does not decrypt.
 *
 * Ciphertext: `v1.` + base64url(iv[12] | tag[16] | encrypted).
 */
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretCipherError extends Error {
  override readonly name = 'SecretCipherError';
}

function associatedData(context: Readonly<Record<string, string>>): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

export function localCipher(key: Uint8Array): SecretCipher {
  if (key.length !== KEY_BYTES)
    throw new SecretCipherError(`A local secret key is ${KEY_BYTES} bytes, not ${key.length}`);
  const fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return {
    id: `local:${fingerprint}`,
    async encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(associatedData(context));
      const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64url')}`;
    },
    async decrypt(ciphertext, context) {
      if (!ciphertext.startsWith('v1.')) throw new SecretCipherError('Unknown ciphertext version');
      const bytes = Buffer.from(ciphertext.slice(3), 'base64url');
      if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretCipherError('Ciphertext too short');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(associatedData(context));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
          'utf8',
        );
      } catch (error) {
        throw new SecretCipherError('A secret failed to decrypt: wrong key, wrong context or altered ciphertext', {
          cause: error,
        });
      }
    },
  };
}

/** A key that lives as long as the process: for an in-memory dev table, whose keys die with it anyway. */
export function ephemeralCipher(): SecretCipher {
  return localCipher(randomBytes(KEY_BYTES));
}

/**
 * Reads the key file, or creates it (owner-only, mode 600) when absent. The
 * create is exclusive, so two processes starting together end up with one
 * key. A file others can read is refused rather than used.
 */
export async function loadOrCreateKeyFile(path: string): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'wx', 0o600);
    const key = randomBytes(KEY_BYTES);
    await handle.writeFile(`${key.toString('base64')}\n`);
    await handle.close();
    return key;
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    throw new SecretCipherError(`${path} is readable by others; make it owner-only (chmod 600) or remove it`);
  }
  const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new SecretCipherError(`${path} does not hold a ${KEY_BYTES}-byte base64 key`);
  return key;
}
