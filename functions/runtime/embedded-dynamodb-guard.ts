import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import { messages, refusalResponse, type Refusal } from '#shared/security/refusal.ts';
import type { HttpRequestParts } from '#shared/security/sigv4/canonical-request.ts';
import { readSignature } from '#shared/security/sigv4/read-signature.ts';
import { checkSignature } from '#shared/security/sigv4/verify.ts';

/**
 * dynalite accepts any signature, so on its own anyone who can reach its
 * port can read and rewrite Berth's table: access keys, policies, secrets.
 * This front is the only way in. It holds a key made at start and known
 * only to this process, verifies every request's SigV4 signature against it
 * (the same verifier as Berth's API), and only then hands the request to
 * dynalite, in process: dynalite itself never listens on a TCP port.
 */
export interface EmbeddedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** dynalite's own cap on a request body. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** As DynamoDB: a signature is good for five minutes either way of its date. */
const MAX_SKEW_MS = 5 * 60_000;

export function embeddedCredentials(): EmbeddedCredentials {
  return {
    accessKeyId: `BERTHEMBEDDED${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(32).toString('base64url'),
  };
}

/** What dynalite reads of a request: its head, then its body as `data` and `end` events. */
export type ReplayedRequest = EventEmitter & Pick<IncomingMessage, 'headers' | 'method' | 'url'>;
export type InnerListener = (request: ReplayedRequest, response: ServerResponse) => void;

/** A request listener that admits only requests signed with `credentials` for `region` and `dynamodb`. */
export function signatureGuard(
  credentials: EmbeddedCredentials,
  region: string,
  inner: InnerListener,
): RequestListener {
  return (request, response) => {
    readBody(request).then(
      (body) => {
        // The rest of such a body still flows in and is dropped, never buffered.
        if (body === undefined) return answer(response, 413, 'RequestEntityTooLarge', 'The request body is too large.');
        const refusal = check(parts(request, body), credentials, region);
        if (refusal) {
          const { type, message } = refusalResponse(refusal);
          // DynamoDB answers its authentication errors with 400.
          return answer(response, 400, type, message);
        }
        inner(replay(request, body), response);
      },
      () => response.destroy(),
    );
  };
}

function check(request: HttpRequestParts, credentials: EmbeddedCredentials, region: string): Refusal | undefined {
  const read = readSignature(request, { region, service: 'dynamodb', maxSkewMs: MAX_SKEW_MS }, Date.now());
  if (!read.ok) return read.refusal;
  if (read.claim.accessKeyId !== credentials.accessKeyId) return { kind: 'unknown-key', message: messages.unknownKey };
  const verified = checkSignature(read.claim, credentials.secretAccessKey);
  return verified.ok ? undefined : verified.refusal;
}

function parts(request: IncomingMessage, body: Buffer): HttpRequestParts {
  const target = request.url ?? '/';
  const question = target.indexOf('?');
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(',') : value);
  }
  return {
    method: request.method ?? 'GET',
    path: question < 0 ? target : target.slice(0, question),
    query: question < 0 ? '' : target.slice(question + 1),
    headers,
    body,
  };
}

/** The body, or undefined once it passes the cap. Events rather than an async iterator: this is on every table call. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length <= MAX_BODY_BYTES) return void chunks.push(chunk);
      request.off('data', onData);
      request.off('end', onEnd);
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, length));
    request.on('data', onData);
    request.on('end', onEnd);
    request.once('error', reject);
  });
}

/**
 * The request rebuilt around the body the guard has already read: the
 * events come on the next tick, once dynalite has added its listeners.
 */
function replay(request: IncomingMessage, body: Buffer): ReplayedRequest {
  const replayed = Object.assign(new EventEmitter(), {
    headers: request.headers,
    method: request.method,
    url: request.url,
  });
  process.nextTick(() => {
    if (body.length > 0) replayed.emit('data', body);
    replayed.emit('end');
  });
  return replayed;
}

function answer(response: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message });
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
