import type { ControlContext } from '#shared/control/context.ts';
import { clientOptionsFromEnvironment } from '../adapters/aws-environment.ts';
import { standardRetry } from '../adapters/aws-json-client.ts';
import { createDynamoDbJsonClient, type DynamoDbJsonClient } from '../adapters/dynamodb-json-client.ts';
import { createDynamoDbStore } from '../adapters/dynamodb-store.ts';
import { queueReconciles } from '../adapters/reconcile-queue.ts';
import type { SqsCalls } from '../adapters/sqs-calls.ts';
import { createSqsJsonClient } from '../adapters/sqs-json-client.ts';
import { createSqsQueue } from '../adapters/sqs-queue.ts';
import { controlContext } from './control-context.ts';
import { ConfigurationError, parseLambdaEnvironment, type Environment } from './env.ts';
import { lambdaLogger, type LambdaLogger } from './lambda-logger.ts';

export interface AwsRuntime {
  readonly ctx: ControlContext;
  /** Bound to each invocation by lambda-entry.ts. */
  readonly logger: LambdaLogger;
  /** The parsed environment, for the parts only one function builds (the api's security, aws-security.ts). */
  readonly env: Environment;
  readonly dynamo: DynamoDbJsonClient;
  /** The queue's client, for the monitor's look at the dead-letter queue. */
  readonly sqs: SqsCalls;
}

let cached: AwsRuntime | undefined;

/**
 * The composition root of the Lambda functions: built once per execution
 * environment, on first use, from the environment. The functions call AWS
 * through Berth's lean JSON clients rather than the SDK (docs/decisions.md,
 * "Lambda bundles"), with the execution role's keys from the environment and
 * the SDK's endpoint overrides (AWS_ENDPOINT_URL...), so the same code runs
 * against an emulator. It holds only what all three functions use: signing,
 * policies and the KMS client are the api's alone and live in
 * aws-security.ts, so the scheduler's and the monitor's bundles do not carry
 * (or load) them.
 */
export function awsRuntime(): AwsRuntime {
  if (cached) return cached;
  const env = parseLambdaEnvironment();
  if (!env.BERTH_QUEUE_URL) throw new ConfigurationError('Invalid configuration: BERTH_QUEUE_URL is required');
  const dynamo = createDynamoDbJsonClient({
    ...clientOptionsFromEnvironment('DYNAMODB', env.AWS_REGION),
    ...standardRetry,
  });
  const store = createDynamoDbStore({ client: dynamo, tableName: env.BERTH_TABLE_NAME });
  const sqs = createSqsJsonClient({ ...clientOptionsFromEnvironment('SQS', env.AWS_REGION), ...standardRetry });
  const queue = createSqsQueue({
    client: sqs,
    queueUrl: env.BERTH_QUEUE_URL,
    ...(env.BERTH_DLQ_URL !== undefined && { deadLetterQueueUrl: env.BERTH_DLQ_URL }),
  });
  const ctx = controlContext(env, { store, reconcile: queueReconciles(queue) });
  cached = { ctx, logger: lambdaLogger(), env, dynamo, sqs };
  return cached;
}
