import type { Credentials } from './sigv4.ts';

/**
 * The signing key, held in sessionStorage only: it lives as long as the tab,
 * is never sent to the server (requests carry only signatures), and
 * sign-out removes it.
 */
export interface SessionKey extends Credentials {
  readonly region: string;
}

const STORAGE_KEY = 'berth.console.key';

/** Berth's key ids (BKIA + 16 base32 characters) and its 40-character base64url secrets. */
const KEY_ID = /^BKIA[A-Z2-7]{16}$/;
const SECRET = /^[A-Za-z0-9_\-+/=]{40}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Why a key typed into the sign-in form cannot be used; undefined when it can. */
export function keyProblem(key: SessionKey): string | undefined {
  if (!KEY_ID.test(key.accessKeyId))
    return 'The access key id must be a Berth key id: BKIA followed by 16 letters A-Z or digits 2-7.';
  if (!SECRET.test(key.secretAccessKey))
    return 'The secret access key must be the 40 characters `berth keys create` printed.';
  if (!REGION.test(key.region)) return 'The region must look like us-east-1.';
  return undefined;
}

export function loadKey(storage: Storage): SessionKey | undefined {
  const raw = storage.getItem(STORAGE_KEY);
  if (raw === null) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<SessionKey>;
    const key = {
      accessKeyId: String(parsed.accessKeyId),
      secretAccessKey: String(parsed.secretAccessKey),
      region: String(parsed.region),
    };
    return keyProblem(key) === undefined ? key : undefined;
  } catch {
    return undefined;
  }
}

export function saveKey(storage: Storage, key: SessionKey): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(key));
}

export function clearKey(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}
