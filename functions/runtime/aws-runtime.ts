import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ControlContext } from '#shared/control/context.ts';
import { createDynamoDbStore } from '../adapters/dynamodb-store.ts';
import { sdkCalls } from '../adapters/dynamodb-calls.ts';
import { queueReconciles } from '../adapters/reconcile-queue.ts';
import { createSqsQueue } from '../adapters/sqs-queue.ts';
import { controlContext } from './control-context.ts';
import { ConfigurationError, parseLambdaEnvironment } from './env.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { KMSClient } from '@aws-sdk/client-kms';
import { createSecurity, kmsCipher, type Security } from '../security/index.ts';

export interface AwsRuntime {
  readonly ctx: ControlContext;
  readonly logger: Logger;
  /** Signing, policies and keys: built on first use, by the api function only. */
  security(): Security;
}

let cached: AwsRuntime | undefined;

/**
 * The composition root of the Lambda functions: built once per execution
 * environment, on first use, from the environment. The SDK clients pick up
 * AWS_ENDPOINT_URL themselves, so the same code runs against an emulator.
 */
export function awsRuntime(): AwsRuntime {
  if (cached) return cached;
  const env = parseLambdaEnvironment();
  if (!env.BERTH_QUEUE_URL) throw new ConfigurationError('Invalid configuration: BERTH_QUEUE_URL is required');
  const dynamo = new DynamoDBClient({ region: env.AWS_REGION });
  const store = createDynamoDbStore({ client: sdkCalls(dynamo), tableName: env.BERTH_TABLE_NAME });
  const queue = createSqsQueue({
    client: new SQSClient({ region: env.AWS_REGION }),
    queueUrl: env.BERTH_QUEUE_URL,
    ...(env.BERTH_DLQ_URL !== undefined && { deadLetterQueueUrl: env.BERTH_DLQ_URL }),
  });
  const ctx = controlContext(env, { store, reconcile: queueReconciles(queue) });
  const logger = jsonLogger();
  let security: Security | undefined;
  cached = {
    ctx,
    logger,
    security() {
      // The api refuses to start open: without a key there is no way to check signatures.
      if (!env.BERTH_KMS_KEY_ID) throw new ConfigurationError('Invalid configuration: BERTH_KMS_KEY_ID is required');
      security ??= createSecurity({
        store: createDynamoDbStore({ client: sdkCalls(dynamo), tableName: env.BERTH_TABLE_NAME }),
        clock: ctx.clock,
        cipher: kmsCipher({ client: new KMSClient({ region: env.AWS_REGION }), keyId: env.BERTH_KMS_KEY_ID }),
        deployment: ctx.deployment,
        logger,
      });
      return security;
    },
  };
  return cached;
}
