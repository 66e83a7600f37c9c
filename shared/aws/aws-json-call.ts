import { signRequest, type SigningCredentials } from '../security/sigv4/sign.ts';
import { AwsServiceError, isClockSkewError, retryOf, serviceError } from './aws-json-errors.ts';

/**
 * The pure half of Berth's lean client for the AWS services that speak a
 * JSON protocol (DynamoDB, SQS, KMS, Cloud Map, CloudWatch Logs): the
 * SigV4-signed POST with the operation in `x-amz-target`, the answer read
 * as JSON or as the service's error, and retries in the shape of the AWS
 * SDK's standard mode (attempts, which errors, capped exponential backoff
 * with full jitter, the clock-skew correction from a `Date` header). The
 * HTTP exchange is given by the caller: the functions send over their own
 * keep-alive pool (functions/adapters/aws-json-client.ts), the agent over
 * agent/net/http-request.ts, so neither loads the other's transport.
 */
export interface AwsJsonService {
  /** The SigV4 signing name: `dynamodb`, `sqs`, `kms`, `logs`. */
  readonly signingName: string;
  /** The `x-amz-target` prefix: `DynamoDB_20120810`, `AmazonSQS`, `TrentService`, `Logs_20140328`. */
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

export type AwsCredentials = SigningCredentials & { readonly sessionToken?: string };

/** One signed POST, ready to send to the endpoint's host and path. */
export interface AwsJsonRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** What the service answered, as much of it as the client reads. */
export interface AwsJsonAnswer {
  readonly status: number;
  readonly text: string;
  readonly date: string | undefined;
  readonly errorType: string | undefined;
}

export interface AwsJsonCallOptions {
  /** The endpoint's URL: its host is signed, its path posted to. */
  readonly url: URL;
  readonly region: string;
  /** Static keys, or a provider asked before every attempt (it caches and refreshes them). */
  readonly credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  /** Sends one request; rejects on a transport failure (a dropped connection is retried by its `code`). */
  readonly send: (request: AwsJsonRequest) => Promise<AwsJsonAnswer>;
  /** Attempts for throttling, 5xx, clock skew and dropped connections; default the SDK's 3. */
  readonly maxAttempts?: number;
  readonly backoff?: Backoff;
}

/** Makes one call; the answer is the operation's JSON, unchecked. Throws AwsServiceError. */
export type AwsJsonCall = (operation: string, input: unknown) => Promise<unknown>;

/** The SDK's threshold: a `Date` this far from the client's clock resets the offset. */
const SKEW_THRESHOLD_MS = 5 * 60 * 1000;

type Outcome = { value: unknown } | { error: unknown; skewCorrected: boolean };

export function createAwsJsonCall(service: AwsJsonService, options: AwsJsonCallOptions): AwsJsonCall {
  const maxAttempts = options.maxAttempts ?? standardRetry.maxAttempts;
  const backoff = options.backoff ?? standardRetry.backoff;
  const contentType = `application/x-amz-json-${service.jsonVersion}`;
  const path = options.url.pathname;
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

  async function request(operation: string, body: Buffer): Promise<AwsJsonRequest> {
    const credentials = typeof options.credentials === 'function' ? await options.credentials() : options.credentials;
    const headers = new Map<string, string>([
      ['host', options.url.host],
      ['content-type', contentType],
      ['x-amz-target', `${service.targetPrefix}.${operation}`],
    ]);
    if (credentials.sessionToken !== undefined) headers.set('x-amz-security-token', credentials.sessionToken);
    const signed = signRequest({ method: 'POST', path, query: '', headers, body }, credentials, {
      region: options.region,
      service: service.signingName,
      now: Date.now() + clockOffsetMs,
    });
    return { headers: { ...Object.fromEntries(headers), ...signed }, body };
  }

  async function once(operation: string, body: Buffer): Promise<Outcome> {
    let answer: AwsJsonAnswer;
    try {
      answer = await options.send(await request(operation, body));
    } catch (error) {
      return { error, skewCorrected: false };
    }
    const skewCorrected = correctClock(answer.date);
    if (answer.status === 200) return { value: parseJson(answer.text, service.signingName, operation) };
    const error = serviceError(answer.text, answer.status, answer.errorType);
    return { error, skewCorrected: skewCorrected && isClockSkewError(error) };
  }

  return async (operation, input) => {
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
