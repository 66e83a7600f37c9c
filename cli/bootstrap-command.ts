import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { sdkCalls } from '#functions/adapters/dynamodb-calls.ts';
import { bootstrapAdminKeyInto, kmsCipher } from '#functions/security/index.ts';
import { sdkKmsCalls } from '#functions/security/kms-calls.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type { CliIo } from './explain.ts';
import { formatCreatedKeyLines } from './format.ts';
import { UsageError } from './keys-command.ts';

export const BOOTSTRAP_USAGE = `Usage:
  berth bootstrap --table NAME --kms-key-id KEY [--region REGION]

  Creates the first administrator key of a deployment in AWS, straight in its
  table, with your own AWS credentials (the usual AWS_* variables or profile).
  Does nothing when the table holds keys already.`;

/** `berth bootstrap`: the one command that talks to DynamoDB and KMS rather than to Berth. */
export async function bootstrapCommand(
  args: { table?: string; kmsKeyId?: string; region: string; json: boolean },
  io: CliIo,
  clients: { dynamo: DynamoDBClient; kms: KMSClient } = {
    dynamo: new DynamoDBClient({ region: args.region }),
    kms: new KMSClient({ region: args.region }),
  },
): Promise<void> {
  const { dynamo, kms } = clients;
  try {
    if (args.table === undefined || args.kmsKeyId === undefined)
      throw new UsageError('bootstrap needs --table and --kms-key-id');
    const created = await bootstrapAdminKeyInto({
      store: createDynamoDbStore({ client: sdkCalls(dynamo), tableName: args.table }),
      clock: systemClock,
      cipher: kmsCipher({ client: sdkKmsCalls(kms), keyId: args.kmsKeyId }),
    });
    if (!created) {
      io.stdout(
        `The table ${args.table} holds access keys already; nothing created. Use an administrator key with \`berth keys create\`.\n`,
      );
      return;
    }
    io.stdout(
      args.json
        ? `${JSON.stringify({ accessKey: created }, null, 2)}\n`
        : formatCreatedKeyLines(created.accessKeyId, 'admin', created.secretAccessKey, 'Created administrator'),
    );
  } finally {
    dynamo.destroy();
    kms.destroy();
  }
}
