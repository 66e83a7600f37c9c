import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmzDate, type HttpRequestParts } from '#shared/security/sigv4/canonical-request.ts';
import { signaturesEqual } from '#shared/security/sigv4/crypto.ts';
import { canonicalPath, canonicalQuery, parseQuery } from '#shared/security/sigv4/encoding.ts';
import { readSignature } from '#shared/security/sigv4/read-signature.ts';
import { signRequest } from '#shared/security/sigv4/sign.ts';
import { checkSignature } from '#shared/security/sigv4/verify.ts';
import { sign } from './support/signing.ts';

const credentials = { accessKeyId: 'BKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXM' };
const expect5min = { region: 'us-east-1', service: 'ecs', maxSkewMs: 5 * 60_000 };
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

/** The request a server receives for a signed one: path and query as they arrive on the wire. */
function received(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): HttpRequestParts {
  const parsed = new URL(url);
  return {
    method: init.method,
    path: parsed.pathname,
    query: parsed.search.replace(/^\?/, ''),
    headers: new Map(Object.entries(init.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: new TextEncoder().encode(init.body ?? ''),
  };
}

function verify(parts: HttpRequestParts, now = NOW) {
  const read = readSignature(parts, expect5min, now);
  return read.ok ? checkSignature(read.claim, credentials.secretAccessKey) : read;
}

const segment = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((s) => s !== '.' && s !== '..');
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  segments: fc.array(segment, { maxLength: 4 }),
  query: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }),
    fc.string({ maxLength: 12, unit: 'grapheme' }),
    { maxKeys: 4 },
  ),
  header: fc.string({ maxLength: 30 }).map((v) => v.replace(/[^\x20-\x7e]/g, 'x')),
  body: fc.string({ maxLength: 200, unit: 'grapheme' }),
  presign: fc.boolean(),
});

describe('SigV4 against the AWS SDK’s own signer', () => {
  it('accepts every request the SDK signs, in both forms, whatever its path, query, headers and body', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const signed = await sign({
          credentials,
          date: new Date(NOW),
          method: r.method,
          path: `/${r.segments.map(encodeURIComponent).join('/')}`,
          query: r.query,
          headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', 'x-berth-note': r.header },
          body: r.body,
          ...(r.presign && { presignSeconds: 300 }),
        });
        expect(verify(received(signed.url, signed.init))).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses the same requests with one byte of the body changed', async () => {
    await fc.assert(
      fc.asyncProperty(request, fc.nat(), async (r, at) => {
        const signed = await sign({
          credentials,
          date: new Date(NOW),
          method: 'POST',
          path: '/',
          query: r.query,
          body: r.body,
          ...(r.presign && { presignSeconds: 300 }),
        });
        const parts = received(signed.url, signed.init);
        const body = parts.body.length === 0 ? new Uint8Array(1) : new Uint8Array(parts.body);
        const index = at % body.length;
        body[index] = ((body[index] ?? 0) + 1) % 256;
        const result = verify({ ...parts, body });
        expect(result.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('signs as the SDK signs (Berth’s own signer, used by the berth CLI)', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers = { host: 'berth.test', 'content-type': 'application/json' };
        const path = `/${r.segments.map(encodeURIComponent).join('/')}`;
        const reference = await sign({
          credentials,
          date: new Date(NOW),
          method: r.method,
          path,
          query: r.query,
          headers: { 'content-type': 'application/json' },
          body: r.body,
        });
        const parts = received(reference.url, { method: r.method, headers, body: r.body });
        const ours = signRequest(parts, credentials, { region: 'us-east-1', service: 'ecs', now: NOW });
        expect(ours.authorization).toBe(reference.init.headers.authorization);
      }),
      { numRuns: 200 },
    );
  });
});

describe('SigV4 details', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['/a/b/', '/a/b/'],
    ['/a//b', '/a/b'],
    ['/a/./b/../c', '/a/c'],
    ['/a%20b', '/a%2520b'],
    ["/it's", '/it%27s'],
  ])('canonical path of %j is %j', (raw, canonical) => {
    expect(canonicalPath(raw)).toBe(canonical);
  });

  it('sorts and encodes the query, keeping + as a plus and leaving the signature out', () => {
    const parameters = parseQuery('b=2&a=z&a=y&X-Amz-Signature=ff&c=a+b&d=%7E%20');
    expect(parameters && canonicalQuery(parameters)).toBe('a=y&a=z&b=2&c=a%2Bb&d=~%20');
    expect(parseQuery('a=%E0%A4%A')).toBeUndefined();
  });

  it.each([
    ['20260115T120000Z', NOW],
    ['20260231T000000Z', undefined],
    ['20260115T250000Z', undefined],
    ['2026-01-15T12:00:00Z', undefined],
    ['20260115T120000', undefined],
  ])('reads x-amz-date %s', (value, ms) => {
    expect(parseAmzDate(value)).toBe(ms);
  });

  it('compares signatures of any length without throwing', () => {
    expect(signaturesEqual('a'.repeat(64), 'a'.repeat(64))).toBe(true);
    expect(signaturesEqual('a'.repeat(64), 'a'.repeat(63))).toBe(false);
    expect(signaturesEqual('a'.repeat(64), `${'a'.repeat(63)}b`)).toBe(false);
  });

  it('accepts a signature up to 5 minutes old or ahead and not a second more', async () => {
    const signed = await sign({ credentials, date: new Date(NOW), body: '{}' });
    const parts = received(signed.url, signed.init);
    expect(verify(parts, NOW + 5 * 60_000).ok).toBe(true);
    expect(verify(parts, NOW - 5 * 60_000).ok).toBe(true);
    expect(verify(parts, NOW + 5 * 60_000 + 1000)).toMatchObject({ ok: false, refusal: { kind: 'expired' } });
    expect(verify(parts, NOW - 5 * 60_000 - 1000)).toMatchObject({ ok: false, refusal: { kind: 'not-yet-valid' } });
  });
});
