import { canonicalPath, canonicalQuery, type QueryParameter } from './encoding.ts';
import { sha256Hex } from './crypto.ts';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const SCOPE_TERMINATOR = 'aws4_request';

/** An HTTP request as it reached Berth: header names lower case, the body's exact bytes. */
export interface HttpRequestParts {
  readonly method: string;
  /** The path as received, still percent-encoded. */
  readonly path: string;
  /** The query string as received, without the leading `?`. */
  readonly query: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

export interface CanonicalRequestInput {
  readonly method: string;
  readonly path: string;
  readonly query: readonly QueryParameter[];
  readonly headers: ReadonlyMap<string, string>;
  /** Lower case, sorted; the ones the signature covers. */
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
}

/** Values are trimmed and runs of whitespace folded to one space, as signers do. */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  const headerLines = input.signedHeaders.map(
    (name) => `${name}:${canonicalHeaderValue(input.headers.get(name) ?? '')}`,
  );
  return [
    input.method.toUpperCase(),
    canonicalPath(input.path),
    canonicalQuery(input.query),
    ...headerLines,
    '',
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function credentialScope(day: string, region: string, service: string): string {
  return `${day}/${region}/${service}/${SCOPE_TERMINATOR}`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
}

/** `20260101T000000Z` for an instant (SigV4's basic ISO 8601 form). */
export function amzDateOf(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The instant an `x-amz-date` names, or undefined when it is not a real one. */
export function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 20260231 over into March; a real date reads back the same.
  return amzDateOf(ms) === value ? ms : undefined;
}
