import type { IncomingMessage } from 'node:http';
import { signRequest, type SigningCredentials } from '#shared/security/sigv4/sign.ts';
import { AwsServiceError, isClockSkewError, retryOf, serviceError } from './aws-json-errors.ts';

/**
 * Berth's lean client for the AWS services that speak a JSON protocol
 * (DynamoDB, SQS, KMS): one SigV4-signed POST per call, the operation in
 * `x-amz-target`, over a keep-alive connection pool. It replaces the AWS
 * SDK in the Lambda functions, whose bundles the SDK's request pipeline
 * tripled (docs/decisions.md, "Lambda bundles"), and in dev mode, where that
 * pipeline cost four times what the embedded emulator spends answering.
 *
 * What it keeps of the SDK: retries in the shape of its standard mode
 * (attempts, which errors, capped exponential backoff with full jitter),
 * the clock-skew correction from a `Date` header, errors named by the
 * service's type. What it leaves out: credential providers other than
 * static keys (a Lambda function has them in its environment), request
 * compression, endpoint discovery, checksums of responses.
 */
export interface AwsJsonService {
  /** The SigV4 signing name: `dynamodb`, `sqs`, `kms`. */
  readonly signingName: string;
  /** The `x-amz-target` prefix: `DynamoDB_20120810`, `AmazonSQS`, `TrentService`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
}

export interface Backoff {
  /** Base delay of the first retry; it doubles with each attempt. */
  readonly baseMs: number;
  /** Base delay when the service throttled. */
  readonly throttledBaseMs: number;
  /** No retry waits longer. */
  readonly capMs: number;
}

/** The SDK's standard retry mode: three attempts, 100 ms (throttled: 500 ms) doubling, at most 20 s. */
export const standardRetry = {
  maxAttempts: 3,
  backoff: { baseMs: 100, throttledBaseMs: 500, capMs: 20_000 } satisfies Backoff,
} as const;

export interface AwsJsonClientOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: SigningCredentials & { readonly sessionToken?: string };
  /** Connections kept per endpoint; default 32. */
  readonly maxSockets?: number;
  /** Attempts for throttling, 5xx, clock skew and dropped connections; default the SDK's 3. */
  readonly maxAttempts?: number;
  readonly backoff?: Backoff;
}

export interface AwsJsonClient {
  /** Makes one call; the answer is the operation's JSON, unchecked. Throws AwsServiceError. */
  call(operation: string, input: unknown): Promise<unknown>;
  /** Closes the pooled connections. */
  destroy(): void;
}

/** The SDK's threshold: a `Date` this far from the client's clock resets the offset. */
const SKEW_THRESHOLD_MS = 5 * 60 * 1000;

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly date: string | undefined;
  readonly errorType: string | undefined;
}

function readAnswer(response: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('error', reject);
    response.on('end', () => {
      const errorType = response.headers['x-amzn-errortype'];
      resolve({
        status: response.statusCode ?? 0,
        text: Buffer.concat(chunks).toString('utf8'),
        date: response.headers.date,
        errorType: typeof errorType === 'string' ? errorType : undefined,
      });
    });
  });
}

/**
 * node:http and node:https taken as built-in modules rather than ES module
 * imports: an ES import of node:http builds its export list, whose lazy
 * getters load Node's fetch stack (undici), about 60 ms of CPU in a cold
 * start (docs/performance.md); getBuiltinModule returns the module object
 * as `require` does, without that.
 */
function transport(secure: boolean, maxSockets: number) {
  if (secure) {
    const https = process.getBuiltinModule('node:https');
    return { pool: new https.Agent({ keepAlive: true, maxSockets }), send: https.request };
  }
  const http = process.getBuiltinModule('node:http');
  return { pool: new http.Agent({ keepAlive: true, maxSockets }), send: http.request };
}

export function createAwsJsonClient(service: AwsJsonService, options: AwsJsonClientOptions): AwsJsonClient {
  const url = new URL(options.endpoint);
  // Made on the first call, not with the client: loading node:https (TLS and
  // its crypto) was 10 to 15 ms of the api's import CPU, and a cold start
  // that never calls the service need not pay it (docs/performance.md).
  let connection: ReturnType<typeof transport> | undefined;
  const connect = () => (connection ??= transport(url.protocol === 'https:', options.maxSockets ?? 32));
  const path = url.pathname || '/';
  const maxAttempts = options.maxAttempts ?? standardRetry.maxAttempts;
  const backoff = options.backoff ?? standardRetry.backoff;
  const contentType = `application/x-amz-json-${service.jsonVersion}`;
  /** Added to the local clock when signing, learnt from the service's `Date` header. */
  let clockOffsetMs = 0;

  /** Returns whether the offset changed. */
  function correctClock(date: string | undefined): boolean {
    const serverTime = date === undefined ? Number.NaN : Date.parse(date);
    if (Number.isNaN(serverTime) || Math.abs(serverTime - (Date.now() + clockOffsetMs)) < SKEW_THRESHOLD_MS)
      return false;
    clockOffsetMs = serverTime - Date.now();
    return true;
  }

  function post(operation: string, body: Buffer): Promise<Answer> {
    const headers = new Map<string, string>([
      ['host', url.host],
      ['content-type', contentType],
      ['x-amz-target', `${service.targetPrefix}.${operation}`],
    ]);
    if (options.credentials.sessionToken !== undefined)
      headers.set('x-amz-security-token', options.credentials.sessionToken);
    const signed = signRequest({ method: 'POST', path, query: '', headers, body }, options.credentials, {
      region: options.region,
      service: service.signingName,
      now: Date.now() + clockOffsetMs,
    });
    const { pool, send } = connect();
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
        (response) => void readAnswer(response).then(resolve, reject),
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  async function once(
    operation: string,
    body: Buffer,
  ): Promise<{ value: unknown } | { error: unknown; skewCorrected: boolean }> {
    let answer: Answer;
    try {
      answer = await post(operation, body);
    } catch (error) {
      return { error, skewCorrected: false };
    }
    const skewCorrected = correctClock(answer.date);
    if (answer.status === 200) return { value: parseJson(answer.text, service.signingName, operation) };
    const error = serviceError(answer.text, answer.status, answer.errorType);
    return { error, skewCorrected: skewCorrected && isClockSkewError(error) };
  }

  return {
    async call(operation, input) {
      const body = Buffer.from(JSON.stringify(input));
      for (let attempt = 1; ; attempt++) {
        const outcome = await once(operation, body);
        if ('value' in outcome) return outcome.value;
        const retry = retryOf(outcome.error, outcome.skewCorrected);
        if (attempt >= maxAttempts || retry === 'no') throw outcome.error;
        const base = retry === 'throttled' ? backoff.throttledBaseMs : backoff.baseMs;
        // Full jitter, as the SDK: a random delay up to the capped exponential.
        const delay = Math.random() * Math.min(backoff.capMs, base * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    },
    destroy: () => connection?.pool.destroy(),
  };
}

function parseJson(text: string, service: string, operation: string): unknown {
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    throw new AwsServiceError(
      'InvalidResponse',
      `${service} answered ${operation} with something that is not JSON`,
      200,
    );
  }
}
