/**
 * SigV4 in the browser, on WebCrypto: SHA-256 and HMAC-SHA256 are native
 * there, so signing needs no library (docs/decisions.md, "The web console").
 * The console only ever sends POST bodies to a path without a query, which
 * keeps the canonical request to its simplest form.
 */

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SignInput {
  readonly method: string;
  /** Unencoded, without a query: the console calls `/` and `/berth/v1/...`. */
  readonly path: string;
  /** Lower-case names; every one is signed and must be sent as given (host included). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service: string;
  readonly now: number;
}

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

async function hmac(key: ArrayBuffer | Uint8Array<ArrayBuffer>, text: string): Promise<ArrayBuffer> {
  const imported = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', imported, encoder.encode(text));
}

/** `20260101T000000Z`: SigV4's basic ISO 8601 form, to the second. */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** RFC 3986 escaping of one path segment, applied twice as every service but S3 expects. */
function canonicalPath(path: string): string {
  const escape = (value: string): string =>
    encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return path
    .split('/')
    .map((segment) => escape(escape(segment)))
    .join('/');
}

/** The headers to add to the request: `x-amz-date`, `x-amz-content-sha256` and `authorization`. */
export async function sign(input: SignInput, credentials: Credentials): Promise<Record<string, string>> {
  const date = amzDate(input.now);
  const day = date.slice(0, 8);
  const payloadHash = await sha256Hex(input.body);
  const headers: Record<string, string> = { ...input.headers, 'x-amz-date': date, 'x-amz-content-sha256': payloadHash };
  const names = Object.keys(headers).sort();
  const canonical = [
    input.method.toUpperCase(),
    canonicalPath(input.path),
    '',
    ...names.map((name) => `${name}:${String(headers[name]).trim().replace(/\s+/g, ' ')}`),
    '',
    names.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, await sha256Hex(canonical)].join('\n');
  let key = await hmac(encoder.encode(`AWS4${credentials.secretAccessKey}`), day);
  for (const part of [input.region, input.service, 'aws4_request']) key = await hmac(key, part);
  const signature = hex(await hmac(key, toSign));
  return {
    'x-amz-date': date,
    'x-amz-content-sha256': payloadHash,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}
