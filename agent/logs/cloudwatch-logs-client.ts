import { createAwsJsonCall, type AwsCredentials, type AwsJsonCall } from '#shared/aws/aws-json-call.ts';
import { httpRequest } from '../net/http-request.ts';

/** CloudWatch Logs' AWS JSON 1.1 protocol: `X-Amz-Target: Logs_20140328.<Operation>`, signed as `logs`. */
const CLOUDWATCH_LOGS = { signingName: 'logs', targetPrefix: 'Logs_20140328', jsonVersion: '1.1' } as const;

/** As the SDK's client had it: throttling, 5xx and dropped connections tried up to 8 times, with backoff. */
const MAX_ATTEMPTS = 8;

/** No exchange waits longer: a hung connection must not stall the shipper for good. */
const EXCHANGE_TIMEOUT_MS = 30_000;

/**
 * The endpoint the SDK would call: AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, then
 * AWS_ENDPOINT_URL, then the region's public one.
 */
export function cloudWatchLogsEndpoint(env: NodeJS.ProcessEnv, region: string): string {
  const configured = env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS || env.AWS_ENDPOINT_URL;
  if (configured) return configured;
  return `https://logs.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/**
 * A CloudWatch Logs client without the AWS SDK: the signed call of
 * shared/aws over the agent's node:http exchange (agent/net/http-request.ts),
 * which costs the agent no memory it does not already spend.
 */
export function createCloudWatchLogsCall(options: {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: () => Promise<AwsCredentials>;
}): AwsJsonCall {
  const url = new URL(options.endpoint);
  return createAwsJsonCall(CLOUDWATCH_LOGS, {
    url,
    region: options.region,
    credentials: options.credentials,
    maxAttempts: MAX_ATTEMPTS,
    send: async (request) => {
      // A deadline cleared when the exchange ends: AbortSignal.timeout's
      // timers would outlive the exchange by 30 s, at 50 calls a second.
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new Error('CloudWatch Logs did not answer in time')),
        EXCHANGE_TIMEOUT_MS,
      );
      const answer = await httpRequest(url.href, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: deadline.signal,
      }).finally(() => clearTimeout(timer));
      const errorType = answer.headers['x-amzn-errortype'];
      return {
        status: answer.status,
        text: answer.body,
        date: answer.headers.date,
        errorType: typeof errorType === 'string' ? errorType : undefined,
      };
    },
  });
}
