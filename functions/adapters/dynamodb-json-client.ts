import { createAwsJsonClient, type AwsJsonClientOptions } from './aws-json-client.ts';
import { AwsServiceError } from './aws-json-errors.ts';
import type { DynamoDbCalls } from './dynamodb-calls.ts';

/**
 * DynamoDB over Berth's lean JSON client (./aws-json-client.ts). Dev mode
 * uses it for its embedded emulator and the Lambda functions for the real
 * table. It speaks the same API as the SDK and the store contract suite runs
 * over both.
 */
export type DynamoDbJsonClientOptions = AwsJsonClientOptions;

export interface DynamoDbJsonClient extends DynamoDbCalls {
  /** Closes the pooled connections. */
  destroy(): void;
}

/** An error DynamoDB answered with; `name` is its type, as the SDK names it. */
export const DynamoDbServiceError = AwsServiceError;

/**
 * Dev mode's defaults: five attempts a few milliseconds apart, since the
 * embedded emulator throttles only under bursts that clear at once.
 */
const devRetry = { maxAttempts: 5, backoff: { baseMs: 50, throttledBaseMs: 50, capMs: 1_000 } } as const;

export function createDynamoDbJsonClient(options: DynamoDbJsonClientOptions): DynamoDbJsonClient {
  const client = createAwsJsonClient(
    { signingName: 'dynamodb', targetPrefix: 'DynamoDB_20120810', jsonVersion: '1.0' },
    { ...devRetry, ...options },
  );
  return {
    // The response has the operation's documented shape; the store validates every item it takes from it.
    call: (operation, input) => client.call(operation, input) as never,
    destroy: () => client.destroy(),
  };
}
