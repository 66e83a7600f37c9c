import type { AttributeValue, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ItemTooLargeError, VersionConflictError } from '#shared/domain/errors.ts';
import type {
  Collection,
  Key,
  QueryOptions,
  Store,
  StoreStats,
  Versioned,
  WriteOptions,
  WriteOutcome,
} from '#shared/ports/store.ts';
import { keyOf } from '#shared/ports/store.ts';
import type { DynamoDbCalls } from './dynamodb-calls.ts';
import { TABLE_KEY } from './dynamodb-table.ts';

/**
 * The Store port over one DynamoDB table (layout in ./README.md). Each entity
 * is one item: its key, its collection's name (`kind`), a version, and the
 * entity itself as JSON in `doc`. JSON rather than a native map keeps
 * `undefined` fields, empty strings and nested shapes out of DynamoDB's
 * marshalling rules, and the schema validates it on the way back in.
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

type Item = Record<string, AttributeValue>;

/** A stored item that does not read back as its collection: a bug, never an outcome. */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
}

/** BatchGetItem takes at most 100 keys per request. */
const batchSize = 100;
/** Unprocessed keys are retried with a capped exponential backoff. */
const backoff = { firstMs: 25, capMs: 1_000, roundsWithoutProgress: 10 } as const;
const conflictErrorNames = new Set(['ConditionalCheckFailedException', 'TransactionConflictException']);
/**
 * DynamoDB's item limit is 400 KB, attribute names and values together; the
 * key, kind, version and expiry take well under the 2 KB kept back here.
 */
export const MAX_DOC_BYTES = 400 * 1024 - 2 * 1024;

const storedItem = z.object({
  [TABLE_KEY.partition]: z.object({ S: z.string() }),
  [TABLE_KEY.sort]: z.object({ S: z.string() }),
  kind: z.object({ S: z.string() }),
  version: z.object({
    N: z
      .string()
      .regex(/^[1-9]\d*$/, 'a positive integer')
      .transform(Number),
  }),
  doc: z.object({ S: z.string() }),
});

export function createDynamoDbStore(options: DynamoDbStoreOptions): Store {
  const { client, tableName } = options;
  const now = options.now ?? Date.now;
  const stats: StoreStats = { reads: 0, writes: 0 };
  const live = (item: Item) => {
    const expiresAt = item[TABLE_KEY.ttl]?.N;
    return expiresAt === undefined || Number(expiresAt) * 1000 > now();
  };

  /** One conditional PutItem; a failed condition comes back as the error, not thrown. */
  async function put<T>(
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
    stats.writes += 1;
    const failed = await conditionFailure(() =>
      client.call('PutItem', {
        TableName: tableName,
        Item: item,
        ...conditionExpression(collection, condition, now()),
        // DynamoDB hands back the item that failed the condition, which saves
        // a lost race its read; backends that ignore this are read instead.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (failed !== undefined) return { ok: false, key, failed };
    return { ok: true, item: { value: readBack, version } };
  }

  /** A put as Store.create and Store.replace answer it: a lost race is thrown. */
  function thrownIfLost<T>(collection: Collection<T>, condition: Condition, outcome: PutOutcome<T>): Versioned<T> {
    if (!outcome.ok) throw conflictError(collection, outcome.key, condition, outcome.failed);
    return outcome.item;
  }

  /** A put as Store.tryCreate and Store.tryReplace answer it: a lost race is a value carrying the winner. */
  async function lostAsValue<T>(collection: Collection<T>, outcome: PutOutcome<T>): Promise<WriteOutcome<T>> {
    if (outcome.ok) return { written: true, item: outcome.item };
    return { written: false, reason: 'lost', current: await winner(collection, outcome.key, outcome.failed) };
  }

  /** The item a write lost to: from the failure when the table returned it, else read. */
  async function winner<T>(collection: Collection<T>, key: Key, failed: Error): Promise<Versioned<T> | undefined> {
    const item = returnedItem(failed) ?? (await getItem(key));
    // An item of another collection at this key is none of this collection's.
    return item !== undefined && item.kind?.S === collection.name && live(item) ? decode(collection, item) : undefined;
  }

  async function getItem(key: Key): Promise<Item | undefined> {
    stats.reads += 1;
    return (await client.call('GetItem', { TableName: tableName, Key: keyItem(key), ConsistentRead: true })).Item;
  }

  async function storeGet<T>(collection: Collection<T>, key: Key): Promise<Versioned<T> | undefined> {
    const item = await getItem(key);
    return item && live(item) ? decode(collection, item) : undefined;
  }

  return {
    stats,

    get: storeGet,

    async getMany(collection, keys) {
      const unique = [...new Map(keys.map((key) => [JSON.stringify([key.partition, key.sort]), key])).values()];
      const found = [];
      for (let start = 0; start < unique.length; start += batchSize) {
        const items = await batchGet(unique.slice(start, start + batchSize));
        found.push(...items.filter(live).map((item) => decode(collection, item)));
      }
      return found;
    },

    async create(collection, value, writeOptions) {
      return thrownIfLost(collection, absent, await put(collection, value, 1, absent, writeOptions));
    },

    async replace(collection, value, expectedVersion, writeOptions) {
      const condition = { version: expectedVersion };
      return thrownIfLost(
        collection,
        condition,
        await put(collection, value, expectedVersion + 1, condition, writeOptions),
      );
    },

    async tryCreate(collection, value, writeOptions) {
      return lostAsValue(collection, await put(collection, value, 1, absent, writeOptions));
    },

    async tryReplace(collection, value, expectedVersion, writeOptions) {
      const condition = { version: expectedVersion };
      return lostAsValue(collection, await put(collection, value, expectedVersion + 1, condition, writeOptions));
    },

    async delete(collection, key, expectedVersion) {
      const condition = { version: expectedVersion };
      stats.writes += 1;
      const failed = await conditionFailure(() =>
        client.call('DeleteItem', {
          TableName: tableName,
          Key: keyItem(key),
          ...conditionExpression(collection, condition, now()),
        }),
      );
      if (failed !== undefined) throw conflictError(collection, key, condition, failed);
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

  async function batchGet(keys: readonly Key[]): Promise<Item[]> {
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
}

const sortedNames = { '#pk': TABLE_KEY.partition, '#sk': TABLE_KEY.sort };

type Condition = { readonly absent: true } | { readonly version: number };
const absent: Condition = { absent: true };

type ConditionalInput = Pick<
  PutItemCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

function conditionExpression<T>(collection: Collection<T>, condition: Condition, nowMs: number): ConditionalInput {
  if ('absent' in condition) {
    // An item past its expiry is gone as far as readers know, so a create may take its place.
    return {
      ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
      ExpressionAttributeNames: { '#pk': TABLE_KEY.partition, '#ttl': TABLE_KEY.ttl },
      ExpressionAttributeValues: { ':now': { N: String(Math.floor(nowMs / 1000)) } },
    };
  }
  // The kind check keeps a key collision between collections from
  // overwriting another collection's item; it surfaces as a conflict.
  return {
    ConditionExpression: '#version = :expected AND #kind = :kind',
    ExpressionAttributeNames: { '#version': 'version', '#kind': 'kind' },
    ExpressionAttributeValues: { ':expected': { N: String(condition.version) }, ':kind': { S: collection.name } },
  };
}

type PutOutcome<T> =
  | { readonly ok: true; readonly item: Versioned<T> }
  | { readonly ok: false; readonly key: Key; readonly failed: Error };

/** Runs a conditional write; returns DynamoDB's error when the condition failed, and throws any other. */
async function conditionFailure(write: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await write();
    return undefined;
  } catch (error) {
    if (!(error instanceof Error) || !conflictErrorNames.has(error.name)) throw error;
    return error;
  }
}

/** The domain conflict that create, replace and delete throw for a failed condition. */
function conflictError<T>(
  collection: Collection<T>,
  key: Key,
  condition: Condition,
  cause: Error,
): VersionConflictError {
  const what = `${collection.name} ${describeKey(key)}`;
  return new VersionConflictError(
    'absent' in condition ? `${what} already exists` : `${what} is missing or not at version ${condition.version}`,
    { collection: collection.name, partition: key.partition, sort: key.sort },
    { cause },
  );
}

/** The SDK puts the item of ReturnValuesOnConditionCheckFailure on the exception as `Item`. */
const failedWithItem = z.object({
  Item: z.record(
    z.string(),
    z.custom<AttributeValue>((v) => typeof v === 'object' && v !== null),
  ),
});

function returnedItem(failed: Error): Item | undefined {
  const parsed = failedWithItem.safeParse(failed);
  return parsed.success ? parsed.data.Item : undefined;
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

function keyItem(key: Key): Item {
  return { [TABLE_KEY.partition]: { S: key.partition }, [TABLE_KEY.sort]: { S: key.sort } };
}

function epochSeconds(expiresAt: number): string {
  if (!Number.isFinite(expiresAt)) throw new RangeError(`expiresAt must be epoch seconds, got ${expiresAt}`);
  return String(Math.floor(expiresAt));
}

function describeKey(key: Key): string {
  return `${JSON.stringify(key.partition)}/${JSON.stringify(key.sort)}`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/**
 * Serialises an entity and checks that it reads back as its collection, so a
 * bad write fails in the writer rather than in every later reader. The value
 * returned is the one a later `get` gives (defaults filled in, `undefined`
 * fields gone).
 */
function encodeDoc<T>(collection: Collection<T>, key: Key, value: T): { doc: string; readBack: T } {
  // JSON.stringify returns undefined (despite its type) for undefined itself.
  const doc: string | undefined = JSON.stringify(value);
  if (doc === undefined) throw new CorruptItemError(`Refusing to write nothing as a ${collection.name}`);
  const checked = collection.schema.safeParse(JSON.parse(doc));
  if (!checked.success) {
    throw new CorruptItemError(
      `Refusing to write a ${collection.name} at ${describeKey(key)} that would not read back: ${describeIssues(checked.error)}`,
    );
  }
  return { doc, readBack: checked.data };
}

function decode<T>(collection: Collection<T>, raw: Item): Versioned<T> {
  const item = storedItem.safeParse(raw);
  const where = tableKeyOf(raw);
  if (!item.success) throw new CorruptItemError(`Item ${where} is not a Berth item: ${describeIssues(item.error)}`);
  const kind = item.data.kind.S;
  if (kind !== collection.name) throw new CorruptItemError(`Item ${where} is a ${kind}, not a ${collection.name}`);
  let json: unknown;
  try {
    json = JSON.parse(item.data.doc.S);
  } catch (error) {
    throw new CorruptItemError(`Item ${where} holds a doc that is not JSON`, { cause: error });
  }
  const value = collection.schema.safeParse(json);
  if (!value.success) {
    throw new CorruptItemError(`Item ${where} is not a valid ${collection.name}: ${describeIssues(value.error)}`);
  }
  return { value: value.data, version: item.data.version.N };
}

function tableKeyOf(raw: Item): string {
  return describeKey({ partition: raw[TABLE_KEY.partition]?.S ?? '?', sort: raw[TABLE_KEY.sort]?.S ?? '?' });
}
