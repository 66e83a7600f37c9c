import { createAwsJsonClient, type AwsJsonClientOptions } from './aws-json-client.ts';
import type { SqsCalls } from './sqs-calls.ts';

/**
 * SQS over Berth's lean JSON client: `AmazonSQS.<Operation>` in
 * `x-amz-target`, `application/x-amz-json-1.0`, as the SDK has sent since
 * SQS took the JSON protocol. The queue adapter validates every message it
 * takes from an answer.
 */
export interface SqsJsonClient extends SqsCalls {
  /** Closes the pooled connections. */
  destroy(): void;
}

export function createSqsJsonClient(options: AwsJsonClientOptions): SqsJsonClient {
  const client = createAwsJsonClient({ signingName: 'sqs', targetPrefix: 'AmazonSQS', jsonVersion: '1.0' }, options);
  return {
    call: (operation, input) => client.call(operation, input) as never,
    destroy: () => client.destroy(),
  };
}
