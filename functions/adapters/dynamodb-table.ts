import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEY } from '#shared/deployment/names.ts';

// The attribute names live with the deployment's other names; re-exported for the adapter's own modules.
export { TABLE_KEY };

export interface EnsureTableOptions {
  /** How long to wait for the table to become ACTIVE. */
  readonly deadlineMs?: number;
}

/**
 * Creates the table if it is missing, waits until it is ACTIVE and turns on
 * TTL. For dev mode and tests: in AWS the CDK stack owns the table.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<void> {
  if ((await tableStatus(client, tableName)) === undefined) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: TABLE_KEY.partition, AttributeType: 'S' },
            { AttributeName: TABLE_KEY.sort, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: TABLE_KEY.partition, KeyType: 'HASH' },
            { AttributeName: TABLE_KEY.sort, KeyType: 'RANGE' },
          ],
        }),
      );
    } catch (error) {
      // Another process (a second test worker, say) created it first: fine.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  await waitUntilActive(client, tableName, options.deadlineMs ?? 60_000);
  await enableTimeToLive(client, tableName);
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return described.Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  let delayMs = 25;
  for (;;) {
    const status = await tableStatus(client, tableName);
    if (status === 'ACTIVE') return;
    if (Date.now() + delayMs > until) {
      throw new Error(`Table ${tableName} is ${status ?? 'missing'}, not ACTIVE, after ${deadlineMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 1_000);
  }
}

/**
 * Real DynamoDB rejects enabling TTL twice, so look first. The embedded
 * emulator (dynalite) does not implement UpdateTimeToLive at all; it keeps
 * expired items, which dev mode can live with, so that one refusal is
 * tolerated and every other error is not.
 */
async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const description = current.TimeToLiveDescription;
    const status = description?.TimeToLiveStatus;
    if ((status === 'ENABLED' || status === 'ENABLING') && description?.AttributeName === TABLE_KEY.ttl) return;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_KEY.ttl, Enabled: true },
      }),
    );
  } catch (error) {
    if (isUnsupportedOperation(error)) return;
    throw error;
  }
}

function isUnsupportedOperation(error: unknown): boolean {
  return error instanceof Error && error.name === 'UnknownOperationException';
}
