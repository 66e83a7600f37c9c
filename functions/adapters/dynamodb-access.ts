import type { StoreStats } from '#shared/ports/store.ts';
import type { DynamoDbCalls } from './dynamodb-calls.ts';
import { keyItem, type Item } from './dynamodb-items.ts';
import type { Key } from '#shared/ports/store.ts';
import { TABLE_KEY } from './dynamodb-table.ts';

/** What the store's reads and writes share: the table, the clock and the request counts. */
export interface TableAccess {
  readonly client: DynamoDbCalls;
  readonly tableName: string;
  readonly now: () => number;
  readonly stats: StoreStats;
  /**
   * False for an item past its `expiresAt`. DynamoDB deletes expired items
   * only eventually (within days), and dynalite never does, so the adapter
   * hides them itself and lets a create replace them.
   */
  live(item: Item): boolean;
  /** One strongly consistent GetItem, counted. */
  getItem(key: Key): Promise<Item | undefined>;
}

export function tableAccess(client: DynamoDbCalls, tableName: string, now: () => number): TableAccess {
  const stats: StoreStats = { reads: 0, writes: 0 };
  return {
    client,
    tableName,
    now,
    stats,
    live(item) {
      const expiresAt = item[TABLE_KEY.ttl]?.N;
      return expiresAt === undefined || Number(expiresAt) * 1000 > now();
    },
    async getItem(key) {
      stats.reads += 1;
      return (await client.call('GetItem', { TableName: tableName, Key: keyItem(key), ConsistentRead: true })).Item;
    },
  };
}
