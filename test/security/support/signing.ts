import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/**
 * Requests signed by the AWS SDK's own signer (@smithy/signature-v4), the
 * same code @aws-sdk/client-ecs signs with, so the suites test Berth's
 * verifier against an independent implementation, not against itself.
 */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Uint8Array | string {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: Uint8Array | string | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export const HOST = 'berth.test';
export const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignOptions {
  readonly credentials: Credentials;
  readonly date: Date;
  readonly region?: string;
  readonly service?: string;
  readonly method?: string;
  readonly path?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Sign in the query string (a presigned request) with this validity. */
  readonly presignSeconds?: number;
}

export interface SignedRequest {
  readonly url: string;
  readonly init: { method: string; headers: Record<string, string>; body?: string };
}

/** An ECS JSON call as @aws-sdk/client-ecs would send it. */
export function ecsCall(
  operation: string,
  body: unknown,
  headers: Record<string, string> = {},
): Pick<SignOptions, 'method' | 'path' | 'headers' | 'body'> {
  return {
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${TARGET_PREFIX}${operation}`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

export async function sign(options: SignOptions): Promise<SignedRequest> {
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'ecs',
    sha256: NodeSha256,
  });
  const method = options.method ?? 'POST';
  const request = {
    method,
    protocol: 'http:',
    hostname: HOST,
    path: options.path ?? '/',
    query: { ...options.query },
    headers: { host: HOST, ...options.headers },
    ...(options.body !== undefined && { body: options.body }),
  };
  const signed =
    options.presignSeconds === undefined
      ? await signer.sign(request, { signingDate: options.date })
      : await signer.presign(request, {
          signingDate: options.date,
          expiresIn: options.presignSeconds,
          // The router reads the operation from the header, so it stays a (signed) header.
          unhoistableHeaders: new Set(['x-amz-target', 'x-amz-content-sha256']),
        });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(signed.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') query.append(name, v);
  }
  const search = query.toString().replace(/\+/g, '%20');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name] = value;
  return {
    url: `http://${HOST}${request.path}${search === '' ? '' : `?${search}`}`,
    init: { method, headers, ...(options.body !== undefined && { body: options.body }) },
  };
}
