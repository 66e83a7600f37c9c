import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbJsonClient } from '#functions/adapters/dynamodb-json-client.ts';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import { startEmbeddedDynamoDb } from '#functions/runtime/embedded-dynamodb.ts';
import type { Store } from '#shared/ports/store.ts';

export interface EmbeddedStore {
  /** A new store over the same table: each is what one process holds. */
  newStore(): Store;
  close(): Promise<void>;
}

/**
 * The real store over embedded DynamoDB (dev mode's), with Berth's table
 * created as the stack creates it: the setup of every integration test of
 * the control core over the store.
 */
export async function startEmbeddedStore(
  options: { readonly tableName?: string; readonly now?: () => number } = {},
): Promise<EmbeddedStore> {
  const tableName = options.tableName ?? 'berth';
  const dynamo = await startEmbeddedDynamoDb();
  const config = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials };
  const admin = new DynamoDBClient(config);
  try {
    await ensureTable(admin, tableName);
  } finally {
    admin.destroy();
  }
  const calls = createDynamoDbJsonClient(config);
  return {
    newStore: () => createDynamoDbStore({ client: calls, tableName, ...(options.now && { now: options.now }) }),
    async close() {
      calls.destroy();
      await dynamo.close();
    },
  };
}
