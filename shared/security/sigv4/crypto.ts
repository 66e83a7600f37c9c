import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The hash primitives SigV4 is built from; node:crypto does no I/O. */

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmac(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * The key a signature is made with: the secret, narrowed step by step to one
 * day, region and service. Knowing it reveals neither the secret nor keys for
 * any other day or scope.
 */
export function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const dateKey = hmac(`AWS4${secret}`, day);
  const regionKey = hmac(dateKey, region);
  const serviceKey = hmac(regionKey, service);
  return hmac(serviceKey, 'aws4_request');
}

/**
 * Compares two hex signatures in time independent of where they differ, so
 * a caller cannot find a valid signature byte by byte from response times.
 * Lengths are public (always 64 hex digits); unequal ones simply fail.
 */
export function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
