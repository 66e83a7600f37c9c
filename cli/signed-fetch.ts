import { randomUUID } from 'node:crypto';
import { signRequest, type SigningCredentials } from '#shared/security/sigv4/sign.ts';

export interface SignedFetchOptions {
  readonly credentials: SigningCredentials;
  readonly region: string;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

export class SignedFetchError extends Error {
  override readonly name = 'SignedFetchError';
}

/**
 * A fetch that signs every request with SigV4 for the `ecs` signing name,
 * as Berth's API expects of every caller. Only string or byte bodies are
 * signed: a stream would have to be read twice.
 */
export function signedFetch(options: SignedFetchOptions): typeof fetch {
  const base = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  return async (input, init) => {
    if (input instanceof Request) throw new SignedFetchError('signedFetch takes a URL, not a Request');
    const url = new URL(String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = bodyBytes(init?.body);
    const headers = new Map<string, string>();
    new Headers(init?.headers).forEach((value, name) => headers.set(name.toLowerCase(), value));
    // fetch sends Host from the URL; sign the same value.
    headers.set('host', url.host);
    // As the AWS SDK for JavaScript does: a signed per-call id makes two
    // identical calls in the same second sign differently, so Berth can
    // refuse a replayed request (see replay-protection.ts).
    headers.set('amz-sdk-invocation-id', randomUUID());
    const added = signRequest(
      { method, path: url.pathname, query: url.search.replace(/^\?/, ''), headers, body },
      options.credentials,
      { region: options.region, service: 'ecs', now: now() },
    );
    const sent = new Headers();
    for (const [name, value] of headers) if (name !== 'host') sent.set(name, value);
    for (const [name, value] of Object.entries(added)) sent.set(name, value);
    return base(url, { ...init, method, headers: sent, ...(body.length > 0 && { body }) });
  };
}

function bodyBytes(body: RequestInit['body']): Uint8Array {
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  throw new SignedFetchError('signedFetch signs string or byte bodies only');
}
