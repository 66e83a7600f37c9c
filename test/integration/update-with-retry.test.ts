import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkCalls } from '#functions/adapters/dynamodb-calls.ts';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '#functions/runtime/embedded-dynamodb.ts';
import { updateWithRetry } from '#shared/control/update-with-retry.ts';
import { VersionConflictError } from '#shared/domain/errors.ts';
import { keyOf, type Store } from '#shared/ports/store.ts';
import { aNote, notes, type Note } from '../fixtures/test-collections.ts';
import { racingStore } from '../support/racing-store.ts';

/** updateWithRetry over the embedded DynamoDB, with other writers landing between its read and its write. */
describe('updateWithRetry', () => {
  let dynamo: EmbeddedDynamoDb;
  let client: DynamoDBClient;
  let store: Store;
  let boards = 0;
  const fresh = async (): Promise<Note> => {
    boards += 1;
    const note = aNote({ board: `update-${boards}` });
    await store.create(notes, note);
    return note;
  };
  /** Another writer adds 100 to the note's count at whatever version it is. */
  const otherWriter = (note: Note) => async () => {
    const now = await store.get(notes, keyOf(notes, note));
    if (now) await store.replace(notes, { ...now.value, count: now.value.count + 100 }, now.version);
  };
  const increment = (seen: number[]) => (current: Note) => {
    seen.push(current.count);
    return { ...current, count: current.count + 1 };
  };

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamoDb();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials });
    await ensureTable(client, 'berth-update-with-retry');
    store = createDynamoDbStore({ client: sdkCalls(client), tableName: 'berth-update-with-retry' });
  });
  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
  });

  it('writes the change once when nobody races it', async () => {
    const note = await fresh();
    const seen: number[] = [];
    expect(await updateWithRetry(store, notes, keyOf(notes, note), increment(seen))).toEqual({
      value: { ...note, count: 1 },
      version: 2,
    });
    expect(seen).toEqual([0]);
  });

  it('applies the change again to the item that won a race, keeping both writes', async () => {
    const note = await fresh();
    const seen: number[] = [];
    const racing = racingStore(store, notes, 2, otherWriter(note));
    const result = await updateWithRetry(racing, notes, keyOf(notes, note), increment(seen));
    expect(seen).toEqual([0, 100, 200]);
    expect(result).toEqual({ value: { ...note, count: 201 }, version: 4 });
    expect(await store.get(notes, keyOf(notes, note))).toEqual(result);
  });

  it('re-reads after a pause, since the winner it lost to may have changed again meanwhile', async () => {
    const note = await fresh();
    const seen: number[] = [];
    const racing = racingStore(store, notes, 1, otherWriter(note));
    const result = await updateWithRetry(racing, notes, keyOf(notes, note), increment(seen), {
      attempts: 2,
      pause: otherWriter(note),
    });
    expect(seen).toEqual([0, 200]);
    expect(result?.value.count).toBe(201);
  });

  it('gives up with a VersionConflictError after its attempts, leaving the winners’ writes', async () => {
    const note = await fresh();
    const racing = racingStore(store, notes, 10, otherWriter(note));
    const error = await updateWithRetry(racing, notes, keyOf(notes, note), increment([]), { attempts: 3 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ context: { collection: 'note', partition: notes.partitionOf(note) } });
    expect(await store.get(notes, keyOf(notes, note))).toMatchObject({ value: { count: 300 }, version: 4 });
  });

  it('answers undefined for an item that is gone, and the item itself when the change leaves it alone', async () => {
    const note = await fresh();
    const missing = { partition: notes.partitionOf(note), sort: 'note#none' };
    expect(await updateWithRetry(store, notes, missing, increment([]))).toBeUndefined();
    expect(await updateWithRetry(store, notes, keyOf(notes, note), () => undefined)).toEqual({
      value: note,
      version: 1,
    });
  });

  it('answers undefined when the item is deleted under it', async () => {
    const note = await fresh();
    const racing = racingStore(store, notes, 1, async () => store.delete(notes, keyOf(notes, note), 1));
    expect(await updateWithRetry(racing, notes, keyOf(notes, note), increment([]))).toBeUndefined();
    expect(await store.get(notes, keyOf(notes, note))).toBeUndefined();
  });
});
