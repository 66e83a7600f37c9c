import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkCalls } from '#functions/adapters/dynamodb-calls.ts';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { ensureTable, TABLE_KEY } from '#functions/adapters/dynamodb-table.ts';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '#functions/runtime/embedded-dynamodb.ts';
import { sweepExpired } from '#functions/runtime/expiry-sweep.ts';
import { keyOf, type Store } from '#shared/ports/store.ts';
import { aNote, notes } from '../fixtures/test-collections.ts';

const TABLE = 'berth-expiry';

/** Dev mode's stand-in for DynamoDB's TTL, against the embedded dynalite that needs it. */
describe('the expiry sweep', () => {
  let dynamo: EmbeddedDynamoDb;
  let client: DynamoDBClient;
  let clock = 1_700_000_000_000;
  let store: Store;

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamoDb();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials });
    await ensureTable(client, TABLE);
    store = createDynamoDbStore({ client: sdkCalls(client), tableName: TABLE, now: () => clock });
  });
  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
  });

  const raw = async (id: string) => {
    const key = keyOf(notes, aNote({ board: 'ttl', id }));
    const answer = await client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { [TABLE_KEY.partition]: { S: key.partition }, [TABLE_KEY.sort]: { S: key.sort } },
      }),
    );
    return answer.Item;
  };

  it('deletes the items past their expiry and leaves the rest', async () => {
    const inSeconds = (s: number) => ({ expiresAt: Math.floor(clock / 1000) + s });
    await store.create(notes, aNote({ board: 'ttl', id: 'soon' }), inSeconds(60));
    await store.create(notes, aNote({ board: 'ttl', id: 'later' }), inSeconds(3600));
    await store.create(notes, aNote({ board: 'ttl', id: 'never' }));
    for (let i = 0; i < 150; i++) await store.create(notes, aNote({ board: 'ttl', id: `old${i}` }), inSeconds(30));

    clock += 120_000;
    // Pages of 40: the 153 items take four scans, and every expired one goes.
    expect(await sweepExpired(client, TABLE, clock, 40)).toBe(151);
    expect(await raw('soon')).toBeUndefined();
    expect(await raw('old0')).toBeUndefined();
    expect(await raw('later')).toBeDefined();
    expect(await raw('never')).toBeDefined();
    expect(await sweepExpired(client, TABLE, clock)).toBe(0);
  });

  it('leaves an item written again between the scan and the delete', async () => {
    const reborn = aNote({ board: 'ttl', id: 'reborn' });
    await store.create(notes, reborn, { expiresAt: Math.floor(clock / 1000) - 1 });
    // The sweep's client, with a writer slipping in right after each scan answers:
    // the store lets a create replace an expired item, this time without an expiry.
    const racing = {
      send: (async (command: Parameters<DynamoDBClient['send']>[0]) => {
        const answer = await client.send(command as never);
        if (command instanceof ScanCommand) await store.create(notes, { ...reborn, text: 'again' });
        return answer;
      }) as DynamoDBClient['send'],
    };
    expect(await sweepExpired(racing, TABLE, clock)).toBe(0);
    expect((await store.get(notes, keyOf(notes, reborn)))?.value.text).toBe('again');
  });
});
