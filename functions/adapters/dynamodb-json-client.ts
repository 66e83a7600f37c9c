import { Agent, request } from 'node:http';
import { Agent as TlsAgent, request as tlsRequest } from 'node:https';
import { signRequest, type SigningCredentials } from '#shared/security/sigv4/sign.ts';
import type { DynamoDbCalls } from './dynamodb-calls.ts';

/**
 * A lean DynamoDB client: the JSON protocol (one signed POST per call, the
 * operation in `x-amz-target`) over a keep-alive connection pool. Dev mode
 * uses it for its embedded emulator because the AWS SDK's request pipeline
 * costs about 0.8 ms of CPU per call in this process, four times what the
 * emulator spends answering it (docs/performance.md); the control plane
 * makes thousands of calls a second under load. It speaks the same API as
 * the SDK and the store contract suite runs over both.
 */
export interface DynamoDbJsonClientOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: SigningCredentials & { readonly sessionToken?: string };
  /** Connections kept per endpoint; default 32. */
  readonly maxSockets?: number;
  /** Attempts for throttling, 5xx and dropped connections; default 5. */
  readonly maxAttempts?: number;
}

export interface DynamoDbJsonClient extends DynamoDbCalls {
  /** Closes the pooled connections. */
  destroy(): void;
}

/** An error DynamoDB answered with; `name` is its type, as the SDK names it. */
export class DynamoDbServiceError extends Error {
  readonly status: number;
  constructor(name: string, message: string, status: number) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

const retryableTypes = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);
const retryableSocketErrors = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED']);

export function createDynamoDbJsonClient(options: DynamoDbJsonClientOptions): DynamoDbJsonClient {
  const url = new URL(options.endpoint);
  const secure = url.protocol === 'https:';
  const pool = secure
    ? new TlsAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 32 })
    : new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32 });
  const send = secure ? tlsRequest : request;
  const path = url.pathname || '/';
  const maxAttempts = options.maxAttempts ?? 5;

  function once(operation: string, body: Buffer): Promise<unknown> {
    const headers = new Map<string, string>([
      ['host', url.host],
      ['content-type', 'application/x-amz-json-1.0'],
      ['x-amz-target', `DynamoDB_20120810.${operation}`],
    ]);
    if (options.credentials.sessionToken !== undefined)
      headers.set('x-amz-security-token', options.credentials.sessionToken);
    const signed = signRequest({ method: 'POST', path, query: '', headers, body }, options.credentials, {
      region: options.region,
      service: 'dynamodb',
      now: Date.now(),
    });
    return new Promise((resolve, reject) => {
      const outgoing = send(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path,
          agent: pool,
          headers: { ...Object.fromEntries(headers), ...signed, 'content-length': body.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (status === 200) {
              resolve(parseJson(text, operation));
              return;
            }
            reject(serviceError(text, status));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  return {
    async call(operation, input) {
      const body = Buffer.from(JSON.stringify(input));
      for (let attempt = 1; ; attempt++) {
        try {
          // The response has the operation's documented shape; the store
          // validates every item it takes from it.
          return (await once(operation, body)) as never;
        } catch (error) {
          if (attempt >= maxAttempts || !retryable(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1_000, 25 * 2 ** attempt)));
        }
      }
    },
    destroy: () => pool.destroy(),
  };
}

function parseJson(text: string, operation: string): unknown {
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    throw new DynamoDbServiceError(
      'InvalidResponse',
      `DynamoDB answered ${operation} with something that is not JSON`,
      200,
    );
  }
}

/** DynamoDB's error body: `{"__type":"com.amazonaws.dynamodb.v20120810#Name","message":"..."}`. */
function serviceError(text: string, status: number): DynamoDbServiceError {
  let type = `Http${status}`;
  let message = text.slice(0, 300);
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      const fields = body as Record<string, unknown>;
      if (typeof fields.__type === 'string') type = fields.__type.slice(fields.__type.lastIndexOf('#') + 1);
      const said = fields.message ?? fields.Message;
      if (typeof said === 'string') message = said;
    }
  } catch {
    // Not JSON (a proxy's page, say): the status and text say enough.
  }
  return new DynamoDbServiceError(type, message, status);
}

function retryable(error: unknown): boolean {
  if (error instanceof DynamoDbServiceError) return error.status >= 500 || retryableTypes.has(error.name);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && retryableSocketErrors.has(code);
}
