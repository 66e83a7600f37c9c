import { ItemTooLargeError } from '#shared/domain/errors.ts';
import type { Collection, Key, Store, Versioned, WriteOptions, WriteOutcome } from '#shared/ports/store.ts';
import { keyOf } from '#shared/ports/store.ts';
import type { TableAccess } from './dynamodb-access.ts';
import {
  absent,
  conditionExpression,
  conditionFailure,
  conflictError,
  returnedItem,
  type Condition,
} from './dynamodb-conditions.ts';
import { decode, encodeDoc, epochSeconds, keyItem, MAX_DOC_BYTES, type Item } from './dynamodb-items.ts';
import { TABLE_KEY } from './dynamodb-table.ts';

type PutOutcome<T> =
  | { readonly ok: true; readonly item: Versioned<T> }
  | { readonly ok: false; readonly key: Key; readonly failed: Error };

type Writes = Pick<Store, 'create' | 'replace' | 'tryCreate' | 'tryReplace' | 'delete' | 'tryDelete'>;

/**
 * The Store's writes: every one conditional on the version it expects. The
 * throwing forms and the `try` forms share one put; they differ only in how
 * a lost race comes back.
 */
export function tableWrites(table: TableAccess): Writes {
  const versionOf = (expectedVersion: number): Condition => ({ version: expectedVersion });
  return {
    async create(collection, value, writeOptions) {
      return thrownIfLost(collection, absent, await put(table, collection, value, 1, absent, writeOptions));
    },

    async replace(collection, value, expectedVersion, writeOptions) {
      const condition = versionOf(expectedVersion);
      return thrownIfLost(
        collection,
        condition,
        await put(table, collection, value, expectedVersion + 1, condition, writeOptions),
      );
    },

    async tryCreate(collection, value, writeOptions) {
      return lostAsValue(table, collection, await put(table, collection, value, 1, absent, writeOptions));
    },

    async tryReplace(collection, value, expectedVersion, writeOptions) {
      const condition = versionOf(expectedVersion);
      return lostAsValue(
        table,
        collection,
        await put(table, collection, value, expectedVersion + 1, condition, writeOptions),
      );
    },

    async delete(collection, key, expectedVersion) {
      const condition = versionOf(expectedVersion);
      const failed = await deleteItem(table, collection, key, condition);
      if (failed !== undefined) throw conflictError(collection, key, condition, failed);
    },

    async tryDelete(collection, key, expectedVersion) {
      const failed = await deleteItem(table, collection, key, versionOf(expectedVersion));
      return failed === undefined ? { deleted: true } : { deleted: false, reason: 'lost' };
    },
  };
}

/** One conditional PutItem; a failed condition comes back as the error, not thrown. */
async function put<T>(
  table: TableAccess,
  collection: Collection<T>,
  value: T,
  version: number,
  condition: Condition,
  writeOptions: WriteOptions | undefined,
): Promise<PutOutcome<T>> {
  const key = keyOf(collection, value);
  const { doc, readBack } = encodeDoc(collection, key, value);
  const bytes = Buffer.byteLength(doc) + Buffer.byteLength(key.partition) + Buffer.byteLength(key.sort);
  if (bytes > MAX_DOC_BYTES) {
    throw new ItemTooLargeError(
      `The ${collection.name} would be ${bytes} bytes; a stored ${collection.name} may be at most ${MAX_DOC_BYTES} bytes`,
      { collection: collection.name, partition: key.partition, sort: key.sort },
    );
  }
  const item: Item = {
    ...keyItem(key),
    kind: { S: collection.name },
    version: { N: String(version) },
    doc: { S: doc },
  };
  // PutItem replaces the whole item, so a write without expiresAt clears it.
  if (writeOptions?.expiresAt !== undefined) item[TABLE_KEY.ttl] = { N: epochSeconds(writeOptions.expiresAt) };
  table.stats.writes += 1;
  const failed = await conditionFailure(() =>
    table.client.call('PutItem', {
      TableName: table.tableName,
      Item: item,
      ...conditionExpression(collection, condition, table.now()),
      // DynamoDB hands back the item that failed the condition, which saves
      // a lost race its read; backends that ignore this are read instead.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  if (failed !== undefined) return { ok: false, key, failed };
  return { ok: true, item: { value: readBack, version } };
}

/** One conditional DeleteItem; a failed condition comes back as the error, not thrown. */
async function deleteItem<T>(
  table: TableAccess,
  collection: Collection<T>,
  key: Key,
  condition: Condition,
): Promise<Error | undefined> {
  table.stats.writes += 1;
  return conditionFailure(() =>
    table.client.call('DeleteItem', {
      TableName: table.tableName,
      Key: keyItem(key),
      ...conditionExpression(collection, condition, table.now()),
    }),
  );
}

/** A put as Store.create and Store.replace answer it: a lost race is thrown. */
function thrownIfLost<T>(collection: Collection<T>, condition: Condition, outcome: PutOutcome<T>): Versioned<T> {
  if (!outcome.ok) throw conflictError(collection, outcome.key, condition, outcome.failed);
  return outcome.item;
}

/** A put as Store.tryCreate and Store.tryReplace answer it: a lost race is a value carrying the winner. */
async function lostAsValue<T>(
  table: TableAccess,
  collection: Collection<T>,
  outcome: PutOutcome<T>,
): Promise<WriteOutcome<T>> {
  if (outcome.ok) return { written: true, item: outcome.item };
  return { written: false, reason: 'lost', current: await winner(table, collection, outcome.key, outcome.failed) };
}

/** The item a write lost to: from the failure when the table returned it, else read. */
async function winner<T>(
  table: TableAccess,
  collection: Collection<T>,
  key: Key,
  failed: Error,
): Promise<Versioned<T> | undefined> {
  const item = returnedItem(failed) ?? (await table.getItem(key));
  // An item of another collection at this key is none of this collection's.
  return item !== undefined && item.kind?.S === collection.name && table.live(item)
    ? decode(collection, item)
    : undefined;
}
