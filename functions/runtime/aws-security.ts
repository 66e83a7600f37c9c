import { clientOptionsFromEnvironment } from '../adapters/aws-environment.ts';
import { standardRetry } from '../adapters/aws-json-client.ts';
import { createDynamoDbStore } from '../adapters/dynamodb-store.ts';
import { createSecurity, type Security } from '../security/index.ts';
import { kmsCipher } from '../security/kms-cipher.ts';
import { createKmsJsonClient } from '../security/kms-json-client.ts';
import type { AwsRuntime } from './aws-runtime.ts';
import { ConfigurationError } from './env.ts';

let cached: Security | undefined;

/**
 * Signing, policies and keys for the api function, over the Lambda runtime's
 * table and the deployment's KMS key. Only the api handler imports this file:
 * the other functions never call KMS, and keeping it out of their bundles
 * keeps the KMS client and the security layer out of their cold starts.
 */
export function awsSecurity(runtime: AwsRuntime): Security {
  if (cached) return cached;
  const { env, ctx, logger } = runtime;
  // The api refuses to start open: without a key there is no way to check signatures.
  if (!env.BERTH_KMS_KEY_ID) throw new ConfigurationError('Invalid configuration: BERTH_KMS_KEY_ID is required');
  cached = createSecurity({
    // A store of its own over the same table, so the control plane's write counters count only the control plane.
    store: createDynamoDbStore({ client: runtime.dynamo, tableName: env.BERTH_TABLE_NAME }),
    clock: ctx.clock,
    cipher: kmsCipher({
      client: createKmsJsonClient({ ...clientOptionsFromEnvironment('KMS', env.AWS_REGION), ...standardRetry }),
      keyId: env.BERTH_KMS_KEY_ID,
    }),
    deployment: ctx.deployment,
    logger,
  });
  return cached;
}
