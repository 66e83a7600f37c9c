import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { epochMs, name255 } from '../schemas/common.ts';
import { CREDENTIAL_PREFIX, instanceIdPattern, REGISTRATION_TOKEN_PREFIX } from './agent-credentials.ts';

/**
 * The instance credential's wire form and its check, by computation alone:
 *
 *   bic1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(key, "bic1." + payload))>
 *
 * The claims name the cluster, the instance, the credential's serial (which
 * grows with each one issued to the instance), its lifetime and the signing
 * key's id. Nothing in them is secret; what makes a credential is the MAC.
 */
export interface CredentialClaims {
  readonly keyId: string;
  readonly cluster: string;
  readonly instanceId: string;
  readonly serial: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

const claimsSchema = z.strictObject({
  k: z.string().regex(/^k[0-9]{1,4}$/),
  c: name255,
  i: z.string().regex(instanceIdPattern),
  s: z.number().int().positive(),
  iat: epochMs,
  exp: epochMs,
});

const MAC_BYTES = 32;
const MAX_CREDENTIAL_LENGTH = 2048;

export function signCredential(key: Uint8Array, claims: CredentialClaims): string {
  const payload = Buffer.from(
    JSON.stringify({
      k: claims.keyId,
      c: claims.cluster,
      i: claims.instanceId,
      s: claims.serial,
      iat: claims.issuedAt,
      exp: claims.expiresAt,
    }),
    'utf8',
  ).toString('base64url');
  return `${CREDENTIAL_PREFIX}${payload}.${mac(key, payload).toString('base64url')}`;
}

/** A credential taken apart, not yet checked: the MAC still has to match. */
export interface UnverifiedCredential {
  readonly claims: CredentialClaims;
  readonly payload: string;
  readonly mac: Buffer;
}

/** Reads a credential's parts; undefined when it is not one (wrong form, bad JSON, wrong fields). */
export function readCredential(token: string): UnverifiedCredential | undefined {
  if (!token.startsWith(CREDENTIAL_PREFIX) || token.length > MAX_CREDENTIAL_LENGTH) return undefined;
  const parts = token.slice(CREDENTIAL_PREFIX.length).split('.');
  if (parts.length !== 2) return undefined;
  const [payload, macText] = parts;
  if (!payload || !macText || !/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(macText)) return undefined;
  const given = Buffer.from(macText, 'base64url');
  if (given.length !== MAC_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = claimsSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  return {
    claims: { keyId: c.k, cluster: c.c, instanceId: c.i, serial: c.s, issuedAt: c.iat, expiresAt: c.exp },
    payload,
    mac: given,
  };
}

/** True when the MAC is the key's over the payload; compared in constant time. */
export function macMatches(key: Uint8Array, credential: UnverifiedCredential): boolean {
  return timingSafeEqual(mac(key, credential.payload), credential.mac);
}

function mac(key: Uint8Array, payload: string): Buffer {
  // The prefix is signed too, so a later format cannot be confused with this one.
  return createHmac('sha256', key).update(`${CREDENTIAL_PREFIX}${payload}`, 'utf8').digest();
}

/** What the table keeps of a registration token. */
export function hashRegistrationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A registration token's form: the prefix and 32 random bytes in base64url. */
export function looksLikeRegistrationToken(token: string): boolean {
  return (
    token.startsWith(REGISTRATION_TOKEN_PREFIX) &&
    /^[A-Za-z0-9_-]{43}$/.test(token.slice(REGISTRATION_TOKEN_PREFIX.length))
  );
}

/**
 * Which credential serials an instance's record accepts for exchange: the
 * current one, and the one it replaced until its grace period ends.
 */
export function serialAccepted(
  record: { readonly serial: number; readonly previousSerial?: number; readonly previousValidUntil?: number },
  serial: number,
  now: number,
): boolean {
  if (serial === record.serial) return true;
  return serial === record.previousSerial && record.previousValidUntil !== undefined && now < record.previousValidUntil;
}
