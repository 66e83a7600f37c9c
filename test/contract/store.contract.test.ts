import { randomUUID } from 'node:crypto';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkCalls, type DynamoDbCalls } from '#functions/adapters/dynamodb-calls.ts';
import { createDynamoDbJsonClient } from '#functions/adapters/dynamodb-json-client.ts';
import { CorruptItemError, createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { ensureTable, TABLE_KEY } from '#functions/adapters/dynamodb-table.ts';
import { startEmbeddedDynamoDb } from '#functions/runtime/embedded-dynamodb.ts';
import { ItemTooLargeError, VersionConflictError } from '#shared/domain/errors.ts';
import { keyOf, type Key, type Store, type Versioned } from '#shared/ports/store.ts';
import { testAwsClientConfig } from '../support/aws-endpoint.ts';
import { aNote, aPin, notes, pins, type Note } from '../fixtures/test-collections.ts';

/**
 * One suite for every backend the DynamoDB store adapter runs on: what holds
 * here is what the api, scheduler and monitor may rely on, in dev mode and
 * in AWS alike. Each backend gets one table per run; each test its own
 * partition, so tests never see each other's items.
 */
interface Table {
  readonly client: DynamoDBClient;
  /** What the store under test calls DynamoDB through: the SDK or the lean JSON client. */
  readonly calls: DynamoDbCalls;
  readonly tableName: string;
  /** Another client of the same backend, for tests that change how it behaves. */
  connect(): DynamoDBClient;
  close(): Promise<void>;
}

interface Backend {
  readonly name: string;
  readonly via: 'sdk' | 'json';
  /**
   * dynalite has no UpdateTimeToLive (ensureTable tolerates that; expired
   * items simply stay in dev mode). Real DynamoDB and moto have it.
   */
  readonly supportsTtl: boolean;
  /**
   * Whether the backend evaluates a write's condition and applies the write
   * as one step. DynamoDB and dynalite do. moto's server handles requests on
   * several threads with no lock around its condition check, so under heavy
   * contention two writers can both pass `version = :v` (seen here: 29 after
   * 30 increments, on a loaded machine).
   */
  readonly atomicConditions: boolean;
  open(): Promise<Table>;
}

const runId = randomUUID().slice(0, 8);
const dummyCredentials = { accessKeyId: 'berth-test', secretAccessKey: 'berth-test' };

/** A fresh table of this run on a backend, and how to give it back. */
type ClientConfig = { endpoint: string; region: string; credentials: typeof dummyCredentials };

async function openTable(
  via: Backend['via'],
  config: ClientConfig,
  close: (client: DynamoDBClient, tableName: string) => Promise<void>,
): Promise<Table> {
  const connect = () => new DynamoDBClient(config);
  const client = connect();
  const tableName = `berth-store-contract-${runId}-${via}`;
  await ensureTable(client, tableName);
  const json = via === 'json' ? createDynamoDbJsonClient(config) : undefined;
  return {
    client,
    calls: json ?? sdkCalls(client),
    tableName,
    connect,
    close: async () => {
      json?.destroy();
      await close(client, tableName);
    },
  };
}

const embedded = (via: Backend['via']): Backend => ({
  name: `embedded dynalite via ${via}`,
  via,
  supportsTtl: false,
  atomicConditions: true,
  async open() {
    const dynamo = await startEmbeddedDynamoDb();
    return openTable(
      via,
      { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials },
      async (client) => {
        client.destroy();
        await dynamo.close();
      },
    );
  },
});

const moto = (via: Backend['via']): Backend => ({
  name: `aws emulator via ${via}`,
  via,
  supportsTtl: true,
  // moto is the default emulator; a real DynamoDB (AWS_ENDPOINT_URL) is atomic.
  atomicConditions: process.env.AWS_ENDPOINT_URL !== undefined,
  async open() {
    return openTable(via, testAwsClientConfig(), async (client, tableName) => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    });
  },
});

let boards = 0;
/** A partition no other test writes to. */
function freshBoard(): string {
  boards += 1;
  return `${runId}-${boards}`;
}

const noteId = (i: number) => `n${String(i).padStart(3, '0')}`;

async function createNotes(store: Store, board: string, count: number): Promise<Versioned<Note>[]> {
  const created: Versioned<Note>[] = [];
  // In slices, so the emulators are not flooded with hundreds of requests at once.
  for (let start = 0; start < count; start += 25) {
    const slice = Array.from({ length: Math.min(25, count - start) }, (_, j) => start + j);
    created.push(
      ...(await Promise.all(slice.map((i) => store.create(notes, aNote({ board, id: noteId(i), count: i }))))),
    );
  }
  return created;
}

/** Follows `lastSort` until the partition is exhausted, collecting the sort keys in the order seen. */
async function walk(store: Store, board: string, options: { limit: number; descending?: boolean; prefix?: string }) {
  const seen: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await store.query(notes, `BOARD#${board}`, { ...options, ...(after !== undefined && { after }) });
    seen.push(...page.items.map((item) => notes.sortOf(item.value)));
    after = page.lastSort;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (after !== undefined);
  return { seen, pages };
}

describe.each([embedded('sdk'), embedded('json'), moto('sdk'), moto('json')])(
  'Store contract: DynamoDB adapter on $name',
  (backend) => {
    let table: Table;
    /** A fresh adapter (with zeroed stats) over the backend's table. */
    const newStore = () => createDynamoDbStore({ client: table.calls, tableName: table.tableName });
    let store: Store;

    beforeAll(async () => {
      table = await backend.open();
      store = newStore();
    });
    afterAll(async () => {
      await table?.close();
    });

    async function putRaw(key: Key, attributes: Record<string, AttributeValue>): Promise<void> {
      await table.client.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: { [TABLE_KEY.partition]: { S: key.partition }, [TABLE_KEY.sort]: { S: key.sort }, ...attributes },
        }),
      );
    }

    it('has the table ensureTable promised, TTL on where the backend has it', async () => {
      const { Table: described } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
      expect(described?.TableStatus).toBe('ACTIVE');
      expect(described?.KeySchema).toEqual([
        { AttributeName: TABLE_KEY.partition, KeyType: 'HASH' },
        { AttributeName: TABLE_KEY.sort, KeyType: 'RANGE' },
      ]);
      const ttl = await table.client.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));
      if (backend.supportsTtl) {
        expect(ttl.TimeToLiveDescription).toEqual({ AttributeName: TABLE_KEY.ttl, TimeToLiveStatus: 'ENABLED' });
        // Enabling twice would be refused by DynamoDB: ensureTable looks before it asks.
        await ensureTable(table.client, table.tableName);
      } else {
        expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
      }
    });

    describe('create and get', () => {
      it('round-trips an entity at version 1', async () => {
        const value = aNote({ board: freshBoard(), labels: ['a', 'b'] });
        const created = await store.create(notes, value);
        expect(created).toEqual({ value, version: 1 });
        expect(await store.get(notes, keyOf(notes, value))).toEqual({ value, version: 1 });
      });

      it('refuses an entity too large for one item with ItemTooLargeError, writing nothing', async () => {
        const value = aNote({ board: freshBoard(), text: 'x'.repeat(401 * 1024) });
        const error = await store.create(notes, value).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ItemTooLargeError);
        expect(String((error as Error).message)).toMatch(/at most \d+ bytes/);
        expect(await store.get(notes, keyOf(notes, value))).toBeUndefined();
      });

      it('answers undefined for a missing item', async () => {
        expect(await store.get(notes, { partition: `BOARD#${freshBoard()}`, sort: 'note#none' })).toBeUndefined();
      });

      it('refuses a second create of the same key with a VersionConflictError', async () => {
        const value = aNote({ board: freshBoard() });
        await store.create(notes, value);
        const error = await store.create(notes, { ...value, text: 'again' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(VersionConflictError);
        expect(error).toMatchObject({
          context: { collection: 'note', partition: notes.partitionOf(value), sort: notes.sortOf(value) },
        });
        expect((await store.get(notes, keyOf(notes, value)))?.value.text).toBe('hello');
      });

      it('drops undefined fields and returns what a later get returns', async () => {
        const value = { ...aNote({ board: freshBoard() }), tag: undefined };
        const created = await store.create(notes, value);
        expect(created.value).not.toHaveProperty('tag');
        expect(await store.get(notes, keyOf(notes, value))).toEqual(created);
      });

      it('refuses to write an entity its schema rejects, and writes nothing', async () => {
        const value = aNote({ board: freshBoard(), count: -1 });
        await expect(store.create(notes, value)).rejects.toThrow(CorruptItemError);
        expect(await store.get(notes, keyOf(notes, value))).toBeUndefined();
      });

      it('stores expiresAt as the table TTL attribute', async () => {
        const value = aNote({ board: freshBoard() });
        await store.create(notes, value, { expiresAt: 1_900_000_000 });
        const raw = await table.client.send(
          new GetItemCommand({
            TableName: table.tableName,
            Key: { pk: { S: notes.partitionOf(value) }, sk: { S: notes.sortOf(value) } },
            ConsistentRead: true,
          }),
        );
        expect(raw.Item).toMatchObject({ expiresAt: { N: '1900000000' }, kind: { S: 'note' }, version: { N: '1' } });
      });

      it('hides an item past its expiry from every read, and lets a create take its place', async () => {
        const board = freshBoard();
        const value = aNote({ board });
        const pastSeconds = Math.floor(Date.now() / 1000) - 60;
        await store.create(notes, value, { expiresAt: pastSeconds });
        expect(await store.get(notes, keyOf(notes, value))).toBeUndefined();
        expect(await store.getMany(notes, [keyOf(notes, value)])).toEqual([]);
        expect((await store.query(notes, notes.partitionOf(value))).items).toEqual([]);
        const again = await store.create(notes, { ...value, text: 'reborn' });
        expect(again.version).toBe(1);
        expect((await store.get(notes, keyOf(notes, value)))?.value.text).toBe('reborn');
      });
    });

    describe('replace and delete', () => {
      it('replaces at the expected version and moves to the next', async () => {
        const value = aNote({ board: freshBoard() });
        await store.create(notes, value);
        const replaced = await store.replace(notes, { ...value, count: 5 }, 1);
        expect(replaced).toEqual({ value: { ...value, count: 5 }, version: 2 });
        expect(await store.get(notes, keyOf(notes, value))).toEqual(replaced);
        expect((await store.replace(notes, { ...value, count: 6 }, 2)).version).toBe(3);
      });

      it.each([
        { case: 'a stale version', version: 1 },
        { case: 'a future version', version: 7 },
      ])('refuses a replace at $case and keeps the item', async ({ version }) => {
        const value = aNote({ board: freshBoard() });
        await store.create(notes, value);
        await store.replace(notes, { ...value, count: 1 }, 1);
        await expect(store.replace(notes, { ...value, count: 99 }, version)).rejects.toThrow(VersionConflictError);
        expect(await store.get(notes, keyOf(notes, value))).toEqual({ value: { ...value, count: 1 }, version: 2 });
      });

      it('refuses a replace of a missing item', async () => {
        const value = aNote({ board: freshBoard() });
        await expect(store.replace(notes, value, 1)).rejects.toThrow(VersionConflictError);
        expect(await store.get(notes, keyOf(notes, value))).toBeUndefined();
      });

      it('deletes only at the expected version', async () => {
        const value = aNote({ board: freshBoard() });
        const key = keyOf(notes, value);
        await store.create(notes, value);
        await store.replace(notes, value, 1);
        await expect(store.delete(notes, key, 1)).rejects.toThrow(VersionConflictError);
        expect((await store.get(notes, key))?.version).toBe(2);
        await store.delete(notes, key, 2);
        expect(await store.get(notes, key)).toBeUndefined();
        await expect(store.delete(notes, key, 2)).rejects.toThrow(VersionConflictError);
      });

      it('answers a delete at the wrong version, or of a missing item, as a lost race', async () => {
        const value = aNote({ board: freshBoard() });
        const key = keyOf(notes, value);
        await store.create(notes, value);
        await store.replace(notes, value, 1);
        expect(await store.tryDelete(notes, key, 1)).toEqual({ deleted: false, reason: 'lost' });
        expect((await store.get(notes, key))?.version).toBe(2);
        expect(await store.tryDelete(notes, key, 2)).toEqual({ deleted: true });
        expect(await store.get(notes, key)).toBeUndefined();
        expect(await store.tryDelete(notes, key, 2)).toEqual({ deleted: false, reason: 'lost' });
      });

      it('does not let one collection overwrite or delete another collection’s item', async () => {
        const board = freshBoard();
        await store.create(pins, aPin({ board }));
        const key = keyOf(pins, aPin({ board }));
        await expect(store.delete(notes, key, 1)).rejects.toThrow(VersionConflictError);
        expect(await store.get(pins, key)).toEqual({ value: aPin({ board }), version: 1 });
      });

      it('lets exactly one of many racing writers win each version', async () => {
        const value = aNote({ board: freshBoard() });
        await store.create(notes, value);
        const writers = 10;
        const incrementsEach = 3;
        let conflicts = 0;
        const increment = async (): Promise<void> => {
          for (;;) {
            const current = await store.get(notes, keyOf(notes, value));
            if (!current) throw new Error('the item vanished');
            try {
              await store.replace(notes, { ...current.value, count: current.value.count + 1 }, current.version);
              return;
            } catch (error) {
              if (!(error instanceof VersionConflictError)) throw error;
              conflicts += 1;
            }
          }
        };
        await Promise.all(
          Array.from({ length: writers }, async () => {
            for (let i = 0; i < incrementsEach; i += 1) await increment();
          }),
        );
        const total = writers * incrementsEach;
        const final = await store.get(notes, keyOf(notes, value));
        if (backend.atomicConditions) {
          expect(final).toMatchObject({ value: { count: total }, version: total + 1 });
        } else {
          // Every write the backend accepted still moved the version by exactly one.
          expect(final?.version).toBe((final?.value.count ?? 0) + 1);
        }
        // Not asserted exactly (scheduling decides), but ten writers on one item do collide.
        expect(conflicts).toBeGreaterThan(0);
      });
    });

    describe('tryCreate and tryReplace: a lost race is a value', () => {
      it('writes a new item and answers it as written', async () => {
        const value = aNote({ board: freshBoard() });
        expect(await store.tryCreate(notes, value)).toEqual({ written: true, item: { value, version: 1 } });
        expect(await store.get(notes, keyOf(notes, value))).toEqual({ value, version: 1 });
      });

      it('answers a create of an existing key as lost, with the item that won, and keeps it', async () => {
        const value = aNote({ board: freshBoard() });
        await store.create(notes, value);
        const outcome = await store.tryCreate(notes, { ...value, text: 'again' });
        expect(outcome).toEqual({ written: false, reason: 'lost', current: { value, version: 1 } });
        expect((await store.get(notes, keyOf(notes, value)))?.value.text).toBe('hello');
      });

      it('replaces at the expected version and answers the stored item', async () => {
        const value = aNote({ board: freshBoard() });
        await store.create(notes, value);
        const outcome = await store.tryReplace(notes, { ...value, count: 5 }, 1);
        expect(outcome).toEqual({ written: true, item: { value: { ...value, count: 5 }, version: 2 } });
      });

      it.each([
        { case: 'a stale version', version: 1 },
        { case: 'a future version', version: 7 },
      ])('answers a replace at $case as lost, with the current item, and keeps it', async ({ version }) => {
        const value = aNote({ board: freshBoard() });
        await store.create(notes, value);
        await store.replace(notes, { ...value, count: 1 }, 1);
        const outcome = await store.tryReplace(notes, { ...value, count: 99 }, version);
        expect(outcome).toEqual({
          written: false,
          reason: 'lost',
          current: { value: { ...value, count: 1 }, version: 2 },
        });
        expect(await store.get(notes, keyOf(notes, value))).toEqual({ value: { ...value, count: 1 }, version: 2 });
      });

      it('answers a replace of a missing item as lost with no current item, writing nothing', async () => {
        const value = aNote({ board: freshBoard() });
        expect(await store.tryReplace(notes, value, 1)).toEqual({ written: false, reason: 'lost', current: undefined });
        expect(await store.get(notes, keyOf(notes, value))).toBeUndefined();
      });

      it('answers writes over another collection’s item as lost with no item of their own, and keeps that item', async () => {
        const value = aNote({ board: freshBoard() });
        const key = keyOf(notes, value);
        const foreign = { kind: { S: 'pin' }, version: { N: '1' }, doc: { S: JSON.stringify(aPin()) } };
        await putRaw(key, foreign);
        expect(await store.tryCreate(notes, value)).toEqual({ written: false, reason: 'lost', current: undefined });
        expect(await store.tryReplace(notes, value, 1)).toEqual({ written: false, reason: 'lost', current: undefined });
        const raw = await table.client.send(
          new GetItemCommand({
            TableName: table.tableName,
            Key: { pk: { S: key.partition }, sk: { S: key.sort } },
            ConsistentRead: true,
          }),
        );
        expect(raw.Item).toMatchObject(foreign);
      });

      it('still throws what is not a race: an item too large, an entity its schema rejects', async () => {
        const board = freshBoard();
        await expect(store.tryCreate(notes, aNote({ board, text: 'x'.repeat(401 * 1024) }))).rejects.toThrow(
          ItemTooLargeError,
        );
        await expect(store.tryCreate(notes, aNote({ board, count: -1 }))).rejects.toThrow(CorruptItemError);
      });

      it('lets exactly one of many racing writers win each version, the others told they lost', async () => {
        const value = aNote({ board: freshBoard() });
        await store.create(notes, value);
        let lost = 0;
        const increment = async (): Promise<void> => {
          let current = await store.get(notes, keyOf(notes, value));
          for (;;) {
            if (!current) throw new Error('the item vanished');
            const outcome = await store.tryReplace(
              notes,
              { ...current.value, count: current.value.count + 1 },
              current.version,
            );
            if (outcome.written) return;
            lost += 1;
            current = outcome.current;
          }
        };
        await Promise.all(Array.from({ length: 10 }, () => increment()));
        const final = await store.get(notes, keyOf(notes, value));
        if (backend.atomicConditions) expect(final).toMatchObject({ value: { count: 10 }, version: 11 });
        else expect(final?.version).toBe((final?.value.count ?? 0) + 1);
        expect(lost).toBeGreaterThan(0);
      });
    });

    describe('getMany', () => {
      it('reads more than one batch, leaving out missing keys and duplicates', async () => {
        const board = freshBoard();
        const created = await createNotes(store, board, 230);
        const missing = Array.from({ length: 20 }, (_, i) => ({
          partition: `BOARD#${board}`,
          sort: `note#missing${i}`,
        }));
        const keys = [...created.map((c) => keyOf(notes, c.value)), ...missing, keyOf(notes, created[0]!.value)];
        const found = await store.getMany(notes, keys);
        const byId = (a: Versioned<Note>, b: Versioned<Note>) => a.value.id.localeCompare(b.value.id);
        expect(found.sort(byId)).toEqual(created.sort(byId));
      });

      it('retries unprocessed keys until every one is read', async () => {
        const board = freshBoard();
        const created = await createNotes(store, board, 100);
        const client = table.connect();
        throttleBatchGets(client, 40);
        try {
          const throttled = createDynamoDbStore({ client: sdkCalls(client), tableName: table.tableName });
          const found = await throttled.getMany(notes, manyKeys(board, 100));
          expect(found.map((f) => f.value.id).sort()).toEqual(created.map((c) => c.value.id).sort());
          // 40 served per request, the rest handed back as unprocessed: 40 + 40 + 20.
          expect(throttled.stats.reads).toBe(3);
        } finally {
          client.destroy();
        }
      });

      it('answers an empty list for no keys', async () => {
        expect(await store.getMany(notes, [])).toEqual([]);
      });
    });

    describe('query', () => {
      let board: string;
      const count = 23;
      beforeAll(async () => {
        board = freshBoard();
        await createNotes(store, board, count);
        // Neighbours of another collection, sorting both before and after the notes.
        for (const id of ['a', 'z']) await store.create(pins, aPin({ board, id }));
        await store.create(notes, aNote({ board: freshBoard(), id: 'elsewhere' }));
      });
      const allIds = () => Array.from({ length: count }, (_, i) => `note#${noteId(i)}`);

      it('lists a partition in sort-key order, without other collections', async () => {
        const page = await store.query(notes, `BOARD#${board}`);
        expect(page.items.map((item) => notes.sortOf(item.value))).toEqual(allIds());
        expect(page.items.every((item) => item.version === 1)).toBe(true);
        expect(page.lastSort).toBeUndefined();
      });

      it.each([
        { limit: 1, descending: false },
        { limit: 4, descending: false },
        { limit: 5, descending: true },
        { limit: count, descending: false },
      ])('walks the whole partition with limit $limit (descending: $descending), each item once', async (options) => {
        const { seen, pages } = await walk(store, board, options);
        expect(seen).toEqual(options.descending ? allIds().reverse() : allIds());
        expect(pages).toBeGreaterThanOrEqual(Math.ceil(count / options.limit));
      });

      it('keeps to a prefix, also across pages', async () => {
        const page = await store.query(notes, `BOARD#${board}`, { prefix: 'note#n01' });
        expect(page.items.map((item) => item.value.id)).toEqual(Array.from({ length: 10 }, (_, i) => noteId(10 + i)));
        const walked = await walk(store, board, { prefix: 'note#n01', limit: 3, descending: true });
        expect(walked.seen).toEqual(Array.from({ length: 10 }, (_, i) => `note#${noteId(19 - i)}`));
      });

      it.each([
        { case: 'before the prefix, ascending', after: 'note#n00', descending: false, expected: 10 },
        { case: 'beyond the prefix, ascending', after: 'note#n02', descending: false, expected: 0 },
        { case: 'beyond the prefix, descending', after: 'note#n02', descending: true, expected: 10 },
        { case: 'before the prefix, descending', after: 'note#n00', descending: true, expected: 0 },
      ])('accepts an `after` outside the prefix ($case)', async ({ after, descending, expected }) => {
        const page = await store.query(notes, `BOARD#${board}`, { prefix: 'note#n01', after, descending });
        expect(page.items).toHaveLength(expected);
      });

      it('continues after a sort key that no item has', async () => {
        const page = await store.query(notes, `BOARD#${board}`, { after: 'note#n005x', limit: 2 });
        expect(page.items.map((item) => item.value.id)).toEqual([noteId(6), noteId(7)]);
        expect(page.lastSort).toBe(`note#${noteId(7)}`);
      });

      it('answers an empty page for an empty partition', async () => {
        expect(await store.query(notes, `BOARD#${freshBoard()}`)).toEqual({ items: [] });
      });
    });

    describe('items that do not read back', () => {
      it.each([
        { case: 'a doc its schema rejects', attributes: { doc: { S: JSON.stringify({ board: 'x' }) } } },
        { case: 'a doc that is not JSON', attributes: { doc: { S: '{not json' } } },
        { case: 'a missing version', attributes: { doc: { S: JSON.stringify(aNote()) }, version: undefined } },
        { case: 'another collection’s kind', attributes: { doc: { S: JSON.stringify(aNote()) }, kind: { S: 'pin' } } },
      ])('throws on get and getMany for $case, naming the key', async ({ attributes }) => {
        const key = { partition: `BOARD#${freshBoard()}`, sort: 'note#bad' };
        const item: Record<string, AttributeValue> = { kind: { S: 'note' }, version: { N: '1' } };
        for (const [name, value] of Object.entries(attributes)) {
          if (value === undefined) delete item[name];
          else item[name] = value;
        }
        await putRaw(key, item);
        await expect(store.get(notes, key)).rejects.toThrow(CorruptItemError);
        await expect(store.get(notes, key)).rejects.toThrow(key.partition);
        await expect(store.getMany(notes, [key])).rejects.toThrow(CorruptItemError);
      });

      it('throws on query for a note whose doc its schema rejects', async () => {
        const key = { partition: `BOARD#${freshBoard()}`, sort: 'note#bad' };
        await putRaw(key, { kind: { S: 'note' }, version: { N: '1' }, doc: { S: JSON.stringify({ count: 'x' }) } });
        await expect(store.query(notes, key.partition)).rejects.toThrow(/note#bad.*count/);
      });
    });

    describe('stats', () => {
      it('counts one read per read request and one write per write request, failed ones included', async () => {
        const counted = newStore();
        const board = freshBoard();
        const value = aNote({ board });
        const steps: Array<[string, () => Promise<unknown>, { reads: number; writes: number }]> = [
          ['create', () => counted.create(notes, value), { reads: 0, writes: 1 }],
          ['conflicting create', () => counted.create(notes, value).catch(() => undefined), { reads: 0, writes: 2 }],
          ['get', () => counted.get(notes, keyOf(notes, value)), { reads: 1, writes: 2 }],
          ['replace', () => counted.replace(notes, value, 1), { reads: 1, writes: 3 }],
          ['query', () => counted.query(notes, `BOARD#${board}`), { reads: 2, writes: 3 }],
          ['getMany of 150 keys', () => counted.getMany(notes, manyKeys(board, 150)), { reads: 4, writes: 3 }],
          ['lost tryDelete', () => counted.tryDelete(notes, keyOf(notes, value), 1), { reads: 4, writes: 4 }],
          ['delete', () => counted.delete(notes, keyOf(notes, value), 2), { reads: 4, writes: 5 }],
        ];
        for (const [, step, expected] of steps) {
          await step();
          expect(counted.stats).toEqual(expected);
        }
      });
    });
  },
);

/**
 * Makes a client's BatchGetItem requests behave as DynamoDB does under
 * throttling or its 16 MB cap: only the first `served` keys are read and
 * the rest come back as UnprocessedKeys. The emulators never do this alone.
 */
function throttleBatchGets(client: DynamoDBClient, served: number): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input;
      if (context.commandName !== 'BatchGetItemCommand' || !('RequestItems' in input)) return next(args);
      const [tableName, request] = Object.entries(input.RequestItems ?? {})[0] ?? [];
      if (tableName === undefined || request === undefined || !('Keys' in request)) return next(args);
      const keys = request.Keys ?? [];
      const result = await next({
        ...args,
        input: { ...input, RequestItems: { [tableName]: { ...request, Keys: keys.slice(0, served) } } },
      });
      const rest = keys.slice(served);
      if ('Responses' in result.output) {
        Object.assign(result.output, {
          UnprocessedKeys: rest.length > 0 ? { [tableName]: { ...request, Keys: rest } } : {},
        });
      }
      return result;
    },
    { step: 'initialize', name: 'berthTestThrottleBatchGets' },
  );
}

function manyKeys(board: string, count: number): Key[] {
  return Array.from({ length: count }, (_, i) => ({ partition: `BOARD#${board}`, sort: `note#${noteId(i)}` }));
}
