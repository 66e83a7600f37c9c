import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkKmsCalls } from '#functions/security/kms-calls.ts';
import { kmsCipher } from '#functions/security/kms-cipher.ts';
import { createKmsJsonClient } from '#functions/security/kms-json-client.ts';
import { ephemeralCipher, loadOrCreateKeyFile, localCipher } from '#functions/security/local-cipher.ts';
import { secretContext } from '#shared/security/access-key.ts';
import type { SecretCipher } from '#shared/security/secret-cipher.ts';
import { testAwsClientConfig } from '../support/aws-endpoint.ts';

const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXM';

/** One contract for both ciphers: round trip, context bound, tampering detected, nothing in clear. */
function cipherContract(name: string, make: () => Promise<SecretCipher>) {
  describe(`${name} cipher`, () => {
    let cipher: SecretCipher;
    beforeAll(async () => {
      cipher = await make();
    });

    it('decrypts what it encrypted, under the same context', async () => {
      const ciphertext = await cipher.encrypt(secret, secretContext('BKIAAAAAAAAAAAAAAAAA'));
      expect(ciphertext).not.toContain(secret);
      expect(Buffer.from(ciphertext, 'base64').toString('latin1')).not.toContain(secret);
      expect(await cipher.decrypt(ciphertext, secretContext('BKIAAAAAAAAAAAAAAAAA'))).toBe(secret);
    });

    it('refuses a ciphertext moved to another key (another context)', async () => {
      const ciphertext = await cipher.encrypt(secret, secretContext('BKIAAAAAAAAAAAAAAAAA'));
      await expect(cipher.decrypt(ciphertext, secretContext('BKIABBBBBBBBBBBBBBBB'))).rejects.toThrow();
    });

    it('refuses an altered ciphertext', async () => {
      const ciphertext = await cipher.encrypt(secret, secretContext('BKIAAAAAAAAAAAAAAAAA'));
      const altered = `${ciphertext.slice(0, 12)}${ciphertext[12] === 'A' ? 'B' : 'A'}${ciphertext.slice(13)}`;
      await expect(cipher.decrypt(altered, secretContext('BKIAAAAAAAAAAAAAAAAA'))).rejects.toThrow();
    });

    it('encrypts the same secret differently each time', async () => {
      const context = secretContext('BKIAAAAAAAAAAAAAAAAA');
      expect(await cipher.encrypt(secret, context)).not.toBe(await cipher.encrypt(secret, context));
    });
  });
}

cipherContract('local AES-256-GCM', async () => ephemeralCipher());
/** A fresh key on the emulator, through the SDK. */
async function createTestKey(): Promise<string> {
  const client = new KMSClient(testAwsClientConfig());
  const key = await client.send(new CreateKeyCommand({ Description: 'berth test' }));
  client.destroy();
  const keyId = key.KeyMetadata?.KeyId;
  if (!keyId) throw new Error('the emulator returned no key id');
  return keyId;
}

cipherContract('KMS via the SDK', async () => {
  return kmsCipher({ client: sdkKmsCalls(new KMSClient(testAwsClientConfig())), keyId: await createTestKey() });
});
cipherContract('KMS via the lean JSON client', async () => {
  return kmsCipher({ client: createKmsJsonClient(testAwsClientConfig()), keyId: await createTestKey() });
});

describe('the local key file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-key-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is created owner-only and read back as the same key', async () => {
    const path = join(dir, 'secrets.key');
    const first = await loadOrCreateKeyFile(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateKeyFile(path);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    const ciphertext = await localCipher(first).encrypt(secret, {});
    expect(await localCipher(again).decrypt(ciphertext, {})).toBe(secret);
  });

  it('is refused when others can read it', async () => {
    const path = join(dir, 'open.key');
    await writeFile(path, `${Buffer.alloc(32, 1).toString('base64')}\n`);
    await chmod(path, 0o644);
    await expect(loadOrCreateKeyFile(path)).rejects.toThrow(/chmod 600/);
  });

  it('is refused when it does not hold a 32-byte key', async () => {
    const path = join(dir, 'short.key');
    await writeFile(path, 'c2hvcnQ=\n', { mode: 0o600 });
    await expect(loadOrCreateKeyFile(path)).rejects.toThrow(/32-byte/);
    expect(await readFile(path, 'utf8')).toBe('c2hvcnQ=\n');
  });

  it('cannot be read by another key', async () => {
    const ciphertext = await ephemeralCipher().encrypt(secret, {});
    await expect(ephemeralCipher().decrypt(ciphertext, {})).rejects.toThrow(/failed to decrypt/);
  });
});
