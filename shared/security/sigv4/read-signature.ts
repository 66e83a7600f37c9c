import { messages, refuse, type Refusal } from '../refusal.ts';
import {
  ALGORITHM,
  amzDateOf,
  canonicalRequest,
  credentialScope,
  parseAmzDate,
  stringToSign,
  type HttpRequestParts,
} from './canonical-request.ts';
import { sha256Hex } from './crypto.ts';
import { parseQuery, type QueryParameter } from './encoding.ts';

/** What a signature must be scoped to to be accepted here. */
export interface SignatureExpectations {
  readonly region: string;
  readonly service: string;
  /** How far the signing time may be from Berth's clock, either way. */
  readonly maxSkewMs: number;
}

/**
 * A signature as read from a request, with everything checkable without the
 * secret already checked. Only the HMAC itself is left to verify.
 */
export interface SignatureClaim {
  readonly form: 'header' | 'query';
  readonly accessKeyId: string;
  readonly day: string;
  readonly region: string;
  readonly service: string;
  readonly signedAt: number;
  /** Until when Berth accepts this signature; a replay record must outlive it. */
  readonly validUntil: number;
  readonly signature: string;
  readonly stringToSign: string;
  /** The header names the signature covers, lower case, sorted. */
  readonly signedHeaders: readonly string[];
}

export type ReadSignatureResult =
  { readonly ok: true; readonly claim: SignatureClaim } | { readonly ok: false; readonly refusal: Refusal };

/** The longest validity a presigned request may ask for, as in AWS: seven days. */
export const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

const CREDENTIAL = /^([\w.+=@-]{1,128})\/(\d{8})\/([^/]{1,64})\/([^/]{1,64})\/aws4_request$/;
const SIGNED_HEADERS = /^[a-z0-9-]+(?:;[a-z0-9-]+)*$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
/** Added by CloudFront on the way to its origin, after the client signed. */
const ADDED_IN_TRANSIT = new Set(['x-amz-cf-id']);
const QUERY_AUTH = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];

interface RawSignature {
  readonly form: 'header' | 'query';
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly amzDate: string;
  readonly expiresSeconds?: number;
  readonly sessionToken: boolean;
}

/**
 * Reads and checks a SigV4 signature in either form (Authorization header or
 * presigned query string). The payload hash in the canonical request is
 * always the hash of the body received; a client's `x-amz-content-sha256`
 * is only compared with it, never trusted in its place.
 */
export function readSignature(
  request: HttpRequestParts,
  expect: SignatureExpectations,
  now: number,
): ReadSignatureResult {
  const query = parseQuery(request.query);
  if (!query) return refuse('malformed', 'The query string is not properly percent-encoded.');
  const raw = rawSignature(request, query);
  if (!('form' in raw)) return raw;

  const credential = CREDENTIAL.exec(raw.credential);
  if (!credential)
    return refuse('malformed', `Credential should be '<access key id>/<yyyymmdd>/<region>/<service>/aws4_request'.`);
  const [, accessKeyId = '', day = '', region = '', service = ''] = credential;
  const signedAt = parseAmzDate(raw.amzDate);
  if (signedAt === undefined) return refuse('malformed', `X-Amz-Date must be a date of the form yyyyMMdd'T'HHmmss'Z'.`);
  if (raw.sessionToken) return refuse('unknown-key', messages.unknownKey);
  if (region !== expect.region)
    return refuse('wrong-scope', `Credential should be scoped to a valid region, not '${region}'.`);
  if (service !== expect.service)
    return refuse('wrong-scope', `Credential should be scoped to correct service: '${expect.service}'.`);
  if (day !== raw.amzDate.slice(0, 8)) {
    return refuse(
      'wrong-scope',
      `Date in Credential scope does not match YYYYMMDD from X-Amz-Date: '${day}' != '${raw.amzDate.slice(0, 8)}'.`,
    );
  }

  const signedHeaders = checkSignedHeaders(raw, request.headers);
  if (!Array.isArray(signedHeaders)) return signedHeaders;
  if (!SIGNATURE.test(raw.signature)) return refuse('malformed', 'Signature must be 64 lower-case hexadecimal digits.');

  const window = validity(raw, signedAt, expect.maxSkewMs, now);
  if ('ok' in window) return window;

  const bodyHash = sha256Hex(request.body);
  const claimedHash = request.headers.get('x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== bodyHash) {
    return refuse('body-hash-mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const canonical = canonicalRequest({
    method: request.method,
    path: request.path,
    query,
    headers: request.headers,
    signedHeaders,
    payloadHash: bodyHash,
  });
  const scope = credentialScope(day, region, service);
  return {
    ok: true,
    claim: {
      form: raw.form,
      accessKeyId,
      day,
      region,
      service,
      signedAt,
      validUntil: window.validUntil,
      signature: raw.signature,
      stringToSign: stringToSign(raw.amzDate, scope, canonical),
      signedHeaders,
    },
  };
}

function rawSignature(
  request: HttpRequestParts,
  query: readonly QueryParameter[],
): RawSignature | { ok: false; refusal: Refusal } {
  const header = request.headers.get('authorization');
  const inQuery = query.some((p) => QUERY_AUTH.includes(p.name));
  if (header !== undefined && inQuery) {
    return refuse(
      'malformed',
      'Only one authentication mechanism is allowed: an Authorization header or a signed query string.',
    );
  }
  if (header !== undefined) return fromHeader(header, request.headers);
  if (inQuery) return fromQuery(query, request.headers);
  return refuse('missing', messages.missing);
}

function fromHeader(
  header: string,
  headers: ReadonlyMap<string, string>,
): RawSignature | { ok: false; refusal: Refusal } {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) return refuse('malformed', `Unsupported authorization algorithm; use ${ALGORITHM}.`);
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const item = part.trim();
    const equals = item.indexOf('=');
    const name = item.slice(0, equals);
    if (equals < 1 || fields.has(name) || !['Credential', 'SignedHeaders', 'Signature'].includes(name)) {
      return refuse('malformed', `Authorization header is malformed near '${item.slice(0, 40)}'.`);
    }
    fields.set(name, item.slice(equals + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    return refuse(
      'malformed',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`,
    );
  }
  const amzDate = headers.get('x-amz-date');
  if (amzDate === undefined) return refuse('malformed', "Authorization header requires an 'X-Amz-Date' header.");
  return {
    form: 'header',
    credential,
    signedHeaders,
    signature,
    amzDate,
    sessionToken: headers.has('x-amz-security-token'),
  };
}

function fromQuery(
  query: readonly QueryParameter[],
  headers: ReadonlyMap<string, string>,
): RawSignature | { ok: false; refusal: Refusal } {
  const single = (name: string): string | undefined | null => {
    const values = query.filter((p) => p.name === name);
    return values.length > 1 ? null : values[0]?.value;
  };
  const values = ['X-Amz-Algorithm', ...QUERY_AUTH.slice(1), 'X-Amz-Expires'].map(single);
  const [algorithm, credential, amzDate, signedHeaders, signature, expires] = values;
  if (values.some((v) => v === null))
    return refuse('malformed', 'A signed query string names each X-Amz- parameter once.');
  if (algorithm !== ALGORITHM) return refuse('malformed', `X-Amz-Algorithm must be ${ALGORITHM}.`);
  if (!credential || !amzDate || !signedHeaders || !signature || !expires) {
    return refuse(
      'malformed',
      'A signed query string requires X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Signature and X-Amz-Expires.',
    );
  }
  if (!/^\d{1,7}$/.test(expires) || Number(expires) < 1 || Number(expires) > MAX_PRESIGNED_SECONDS) {
    return refuse('malformed', `X-Amz-Expires must be between 1 and ${MAX_PRESIGNED_SECONDS} seconds.`);
  }
  const sessionToken = query.some((p) => p.name === 'X-Amz-Security-Token') || headers.has('x-amz-security-token');
  return {
    form: 'query',
    credential,
    signedHeaders,
    signature,
    amzDate,
    expiresSeconds: Number(expires),
    sessionToken,
  };
}

/**
 * The signed header list must be sorted, name `host` (and `x-amz-date` in the
 * header form), and cover every `x-amz-*` header the client sent: an unsigned
 * `x-amz-target` would let anyone holding a captured request change the
 * operation it performs.
 */
function checkSignedHeaders(
  raw: RawSignature,
  headers: ReadonlyMap<string, string>,
): string[] | { ok: false; refusal: Refusal } {
  if (!SIGNED_HEADERS.test(raw.signedHeaders))
    return refuse('malformed', 'SignedHeaders must be lower-case header names separated by semicolons.');
  const names = raw.signedHeaders.split(';');
  if (names.some((name, i) => i > 0 && (names[i - 1] ?? '') >= name)) {
    return refuse('malformed', 'SignedHeaders must be sorted and name each header once.');
  }
  if (!names.includes('host')) return refuse('malformed', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  if (raw.form === 'header' && !names.includes('x-amz-date')) {
    return refuse('malformed', "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  }
  for (const name of headers.keys()) {
    if (name.startsWith('x-amz-') && !ADDED_IN_TRANSIT.has(name) && !names.includes(name)) {
      return refuse('malformed', `Header '${name}' must be signed.`);
    }
  }
  return names;
}

function validity(
  raw: RawSignature,
  signedAt: number,
  maxSkewMs: number,
  now: number,
): { validUntil: number } | { ok: false; refusal: Refusal } {
  const minutes = `${Math.round(maxSkewMs / 60_000)} min.`;
  if (signedAt - now > maxSkewMs) {
    return refuse(
      'not-yet-valid',
      `Signature not yet current: ${raw.amzDate} is still later than ${amzDateOf(now + maxSkewMs)} (${amzDateOf(now)} + ${minutes})`,
    );
  }
  if (raw.form === 'query') {
    const validUntil = signedAt + (raw.expiresSeconds ?? 0) * 1000;
    return now > validUntil
      ? refuse('expired', `Request has expired: it was valid until ${amzDateOf(validUntil)}.`)
      : { validUntil };
  }
  if (now - signedAt > maxSkewMs) {
    return refuse(
      'expired',
      `Signature expired: ${raw.amzDate} is now earlier than ${amzDateOf(now - maxSkewMs)} (${amzDateOf(now)} - ${minutes})`,
    );
  }
  return { validUntil: signedAt + maxSkewMs };
}
