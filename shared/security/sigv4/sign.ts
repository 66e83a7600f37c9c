import {
  ALGORITHM,
  amzDateOf,
  canonicalRequest,
  credentialScope,
  stringToSign,
  type HttpRequestParts,
} from './canonical-request.ts';
import { hmac, sha256Hex, signingKey } from './crypto.ts';
import { parseQuery } from './encoding.ts';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SigningOptions {
  readonly region: string;
  readonly service: string;
  readonly now: number;
}

/**
 * Signs a request in the header form, for Berth's own clients (the `berth`
 * CLI). Returns the headers to add. The request's headers must already hold
 * `host`; every header given is signed, so pass only the ones that will be
 * sent as they are.
 */
export function signRequest(
  request: HttpRequestParts,
  credentials: SigningCredentials,
  options: SigningOptions,
): Record<string, string> {
  const amzDate = amzDateOf(options.now);
  const payloadHash = sha256Hex(request.body);
  const headers = new Map(request.headers);
  headers.set('x-amz-date', amzDate);
  headers.set('x-amz-content-sha256', payloadHash);
  const signedHeaders = [...headers.keys()].filter((name) => name !== 'authorization').sort();
  const canonical = canonicalRequest({
    method: request.method,
    path: request.path,
    query: parseQuery(request.query) ?? [],
    headers,
    signedHeaders,
    payloadHash,
  });
  const scope = credentialScope(amzDate.slice(0, 8), options.region, options.service);
  const key = signingKey(credentials.secretAccessKey, amzDate.slice(0, 8), options.region, options.service);
  const signature = hmac(key, stringToSign(amzDate, scope, canonical)).toString('hex');
  return {
    'x-amz-date': amzDate,
    'x-amz-content-sha256': payloadHash,
    authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
}
