/**
 * How Berth's lean AWS JSON client names and classifies what a service
 * answers. The lists follow the AWS SDK for JavaScript v3's standard retry
 * mode (@smithy/service-error-classification), so a Lambda function retries
 * what it retried when it ran on the SDK.
 */

/** An error an AWS service answered with; `name` is its type, as the SDK names it. */
export class AwsServiceError extends Error {
  readonly status: number;
  constructor(name: string, message: string, status: number) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

/** Throttling: retried after a longer base delay. */
const throttlingTypes = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/** Transient: the call may well succeed if made again. */
const transientTypes = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const transientStatuses = new Set([500, 502, 503, 504]);

/** The request's signature was dated too far from the service's clock. */
const clockSkewTypes = new Set([
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);

const droppedConnectionCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export type Retry = 'no' | 'throttled' | 'transient';

/** Whether and how a failed attempt is retried; a clock-skew error is retried once the offset was corrected. */
export function retryOf(error: unknown, skewCorrected: boolean): Retry {
  if (error instanceof AwsServiceError) {
    if (error.status === 429 || throttlingTypes.has(error.name)) return 'throttled';
    if (transientStatuses.has(error.status) || transientTypes.has(error.name)) return 'transient';
    return skewCorrected && isClockSkewError(error) ? 'transient' : 'no';
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && droppedConnectionCodes.has(code) ? 'transient' : 'no';
}

export function isClockSkewError(error: AwsServiceError): boolean {
  return clockSkewTypes.has(error.name);
}

/**
 * The service's error from an answer that is not a 200: the type from the
 * `x-amzn-errortype` header or the body's `__type`
 * (`com.amazonaws.dynamodb.v20120810#Name`, sometimes with a `:uri` tail),
 * the message from `message` or `Message`.
 */
export function serviceError(text: string, status: number, typeHeader: string | undefined): AwsServiceError {
  let type = typeHeader;
  let message = text.slice(0, 300);
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      const fields = body as Record<string, unknown>;
      if (type === undefined && typeof fields.__type === 'string') type = fields.__type;
      const said = fields.message ?? fields.Message;
      if (typeof said === 'string') message = said;
    }
  } catch {
    // Not JSON (a proxy's page, say): the status and text say enough.
  }
  return new AwsServiceError(type === undefined ? `Http${status}` : shortType(type), message, status);
}

function shortType(type: string): string {
  const name = type.slice(type.lastIndexOf('#') + 1);
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(0, colon);
}
