/**
 * The hash primitives SigV4 is built from; node:crypto does no I/O. It is
 * taken on first use rather than imported: the agent's bundle carries the
 * signer for its CloudWatch Logs calls, and loading node:crypto (OpenSSL's
 * state) at start costs every agent about 4 MiB of resident memory, whether
 * it ever signs or not.
 */
let loaded: typeof import('node:crypto') | undefined;
function crypto(): typeof import('node:crypto') {
  loaded ??= process.getBuiltinModule('node:crypto');
  return loaded;
}

export function sha256Hex(data: Uint8Array | string): string {
  return crypto().createHash('sha256').update(data).digest('hex');
}

export function hmac(key: Uint8Array | string, data: string): Buffer {
  return crypto().createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * The key a signature is made with: the secret, narrowed step by step to one
 * day, region and service. Knowing it reveals neither the secret nor keys for
 * any other day or scope.
 */
export function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  // Four HMACs per request add up at thousands of requests a second, and the
  // key changes once a day: derived keys are remembered, a bounded few.
  const id = `${day}\n${region}\n${service}\n${secret}`;
  const known = derivedKeys.get(id);
  if (known) return known;
  const dateKey = hmac(`AWS4${secret}`, day);
  const regionKey = hmac(dateKey, region);
  const serviceKey = hmac(regionKey, service);
  const key = hmac(serviceKey, 'aws4_request');
  if (derivedKeys.size >= MAX_DERIVED_KEYS) derivedKeys.clear();
  derivedKeys.set(id, key);
  return key;
}

const derivedKeys = new Map<string, Buffer>();
const MAX_DERIVED_KEYS = 1024;

/**
 * Compares two hex signatures in time independent of where they differ, so
 * a caller cannot find a valid signature byte by byte from response times.
 * Lengths are public (always 64 hex digits); unequal ones simply fail.
 */
export function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && crypto().timingSafeEqual(a, b);
}
