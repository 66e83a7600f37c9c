import type { QueryOptions, Store } from '#shared/ports/store.ts';
import type { Key } from '#shared/ports/store.ts';
import type { TableAccess } from './dynamodb-access.ts';
import { decode, keyItem, type Item } from './dynamodb-items.ts';
import { TABLE_KEY } from './dynamodb-table.ts';

/** BatchGetItem takes at most 100 keys per request. */
const batchSize = 100;
/** Unprocessed keys are retried with a capped exponential backoff. */
const backoff = { firstMs: 25, capMs: 1_000, roundsWithoutProgress: 10 } as const;
const sortedNames = { '#pk': TABLE_KEY.partition, '#sk': TABLE_KEY.sort };

/** The Store's reads: every one strongly consistent, expired items hidden. */
export function tableReads(table: TableAccess): Pick<Store, 'get' | 'getMany' | 'query'> {
  const { client, tableName, stats, live } = table;
  return {
    async get(collection, key) {
      const item = await table.getItem(key);
      return item && live(item) ? decode(collection, item) : undefined;
    },

    async getMany(collection, keys) {
      const unique = [...new Map(keys.map((key) => [JSON.stringify([key.partition, key.sort]), key])).values()];
      const found = [];
      for (let start = 0; start < unique.length; start += batchSize) {
        const items = await batchGet(table, unique.slice(start, start + batchSize));
        found.push(...items.filter(live).map((item) => decode(collection, item)));
      }
      return found;
    },

    async query(collection, partition, queryOptions = {}) {
      const plan = planQuery(queryOptions);
      if (plan === 'empty') return { items: [] };
      const values: Item = { ':pk': { S: partition } };
      if (plan.prefix !== undefined) values[':prefix'] = { S: plan.prefix };
      stats.reads += 1;
      const result = await client.call('Query', {
        TableName: tableName,
        ConsistentRead: true,
        KeyConditionExpression: plan.prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: plan.prefix === undefined ? { '#pk': TABLE_KEY.partition } : sortedNames,
        ExpressionAttributeValues: values,
        ScanIndexForward: !queryOptions.descending,
        ...(queryOptions.limit !== undefined && { Limit: queryOptions.limit }),
        ...(plan.after !== undefined && { ExclusiveStartKey: keyItem({ partition, sort: plan.after }) }),
      });
      // The partition scheme keeps collections apart; the filter makes sure a
      // stray item of another kind is skipped, not misread.
      const items = (result.Items ?? [])
        .filter((item) => item.kind?.S === collection.name && live(item))
        .map((item) => decode(collection, item));
      const lastSort = result.LastEvaluatedKey?.[TABLE_KEY.sort]?.S;
      return lastSort === undefined ? { items } : { items, lastSort };
    },
  };
}

async function batchGet(table: TableAccess, keys: readonly Key[]): Promise<Item[]> {
  const { client, tableName, stats } = table;
  const found: Item[] = [];
  let pending: Item[] = keys.map(keyItem);
  let idleRounds = 0;
  while (pending.length > 0) {
    stats.reads += 1;
    const result = await client.call('BatchGetItem', {
      RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } },
    });
    const items = result.Responses?.[tableName] ?? [];
    found.push(...items);
    pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    if (pending.length === 0) break;
    // Throttling or the 16 MB response cap: back off, but only give up when
    // rounds stop making progress.
    idleRounds = items.length > 0 ? 0 : idleRounds + 1;
    if (idleRounds > backoff.roundsWithoutProgress) {
      throw new Error(`BatchGetItem on ${tableName} left ${pending.length} keys unprocessed after repeated retries`);
    }
    const delayMs = Math.min(backoff.firstMs * 2 ** idleRounds, backoff.capMs);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  return found;
}

/**
 * Turns `after` and `prefix` into a Query DynamoDB accepts: it rejects an
 * ExclusiveStartKey outside the key condition's range, which an `after` that
 * does not share the prefix would be (dynalite rejects it too; moto does not,
 * so the contract suite catches a regression only on dynalite). Such an `after` lies wholly before or
 * wholly beyond the prefixed keys, so it either drops out or empties the page.
 */
function planQuery(options: QueryOptions): { prefix?: string; after?: string } | 'empty' {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new RangeError(`Query limit must be a positive integer, got ${options.limit}`);
  }
  // begins_with with an empty string is rejected; it would match everything anyway.
  const prefix = options.prefix === '' ? undefined : options.prefix;
  const after = options.after;
  if (prefix === undefined || after === undefined || after.startsWith(prefix)) return { prefix, after };
  // DynamoDB orders string keys by their UTF-8 bytes.
  const afterIsBefore = Buffer.compare(Buffer.from(after), Buffer.from(prefix)) < 0;
  return afterIsBefore === !options.descending ? { prefix } : 'empty';
}
