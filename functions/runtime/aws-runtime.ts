import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ControlContext } from '../../shared/control/context.ts';
import { createDynamoDbStore } from '../adapters/dynamodb-store.ts';
import { queueReconciles } from '../adapters/reconcile-queue.ts';
import { createSqsQueue } from '../adapters/sqs-queue.ts';
import { controlContext } from './control-context.ts';
import { ConfigurationError, parseEnvironment } from './env.ts';
import { jsonLogger, type Logger } from './logger.ts';

export interface AwsRuntime {
  readonly ctx: ControlContext;
  readonly logger: Logger;
}

let cached: AwsRuntime | undefined;

/**
 * The composition root of the Lambda functions: built once per execution
 * environment, on first use, from the environment. The SDK clients pick up
 * AWS_ENDPOINT_URL themselves, so the same code runs against an emulator.
 */
export function awsRuntime(): AwsRuntime {
  if (cached) return cached;
  const env = parseEnvironment();
  if (!env.BERTH_QUEUE_URL) throw new ConfigurationError('Invalid configuration: BERTH_QUEUE_URL is required');
  const store = createDynamoDbStore({ client: new DynamoDBClient({ region: env.AWS_REGION }), tableName: env.BERTH_TABLE_NAME });
  const queue = createSqsQueue({
    client: new SQSClient({ region: env.AWS_REGION }),
    queueUrl: env.BERTH_QUEUE_URL,
    ...(env.BERTH_DLQ_URL !== undefined && { deadLetterQueueUrl: env.BERTH_DLQ_URL }),
  });
  cached = { ctx: controlContext(env, { store, reconcile: queueReconciles(queue) }), logger: jsonLogger() };
  return cached;
}
