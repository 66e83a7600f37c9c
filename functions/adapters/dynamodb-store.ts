import type { Store } from '#shared/ports/store.ts';
import { tableAccess } from './dynamodb-access.ts';
import type { DynamoDbCalls } from './dynamodb-calls.ts';
import { tableReads } from './dynamodb-reads.ts';
import { tableWrites } from './dynamodb-writes.ts';

export { CorruptItemError, MAX_DOC_BYTES } from './dynamodb-items.ts';

/**
 * The Store port over one DynamoDB table (layout in ./README.md and
 * ./dynamodb-items.ts): reads in ./dynamodb-reads.ts, conditional writes in
 * ./dynamodb-writes.ts, over what they share in ./dynamodb-access.ts.
 */
export interface DynamoDbStoreOptions {
  /** `sdkCalls(client)` over the AWS SDK, or the lean JSON client. */
  readonly client: DynamoDbCalls;
  readonly tableName: string;
  /**
   * Milliseconds since the epoch. DynamoDB deletes expired items only
   * eventually (within days), and dynalite never does, so the adapter hides
   * items past their `expiresAt` itself and lets a create replace them.
   */
  readonly now?: () => number;
}

export function createDynamoDbStore(options: DynamoDbStoreOptions): Store {
  const table = tableAccess(options.client, options.tableName, options.now ?? Date.now);
  return { stats: table.stats, ...tableReads(table), ...tableWrites(table) };
}
