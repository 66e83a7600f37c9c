import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkCalls } from '#functions/adapters/dynamodb-calls.ts';
import { createDynamoDbStore } from '#functions/adapters/dynamodb-store.ts';
import { ensureTable } from '#functions/adapters/dynamodb-table.ts';
import {
  EmbeddedDynamoDbError,
  startEmbeddedDynamoDb,
  type EmbeddedDynamoDb,
} from '#functions/runtime/embedded-dynamodb.ts';
import { keyOf } from '#shared/ports/store.ts';
import { aNote, notes } from '../fixtures/test-collections.ts';

describe('embedded DynamoDB launcher', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'berth-embedded-dynamodb-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  const clientFor = (dynamo: EmbeddedDynamoDb) =>
    new DynamoDBClient({ endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials });

  it('listens on a random loopback port and makes tables ACTIVE at once', async () => {
    const dynamo = await startEmbeddedDynamoDb();
    try {
      expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = clientFor(dynamo);
      // dynalite's default keeps a new table CREATING for 500 ms after
      // CreateTable answers; the launcher's tables turn ACTIVE on the next
      // timer tick. Asked every few ms, the table must be ACTIVE long before.
      await client.send(
        new CreateTableCommand({
          TableName: 'berth-raw',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
      const created = Date.now();
      let status: string | undefined;
      while (status !== 'ACTIVE' && Date.now() - created < 2_000) {
        status = (await client.send(new DescribeTableCommand({ TableName: 'berth-raw' }))).Table?.TableStatus;
        if (status !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(status).toBe('ACTIVE');
      expect(Date.now() - created).toBeLessThan(450);
      await ensureTable(client, 'berth-launcher');
      const described = await client.send(new DescribeTableCommand({ TableName: 'berth-launcher' }));
      expect(described.Table?.TableStatus).toBe('ACTIVE');
      // A second ensureTable finds the table and leaves it be.
      await ensureTable(client, 'berth-launcher');
      client.destroy();
    } finally {
      await dynamo.close();
    }
  });

  it('keeps data across a restart when given a data directory', async () => {
    const dataDir = join(scratch, 'persisted', 'nested');
    const value = aNote({ board: 'persist' });
    const first = await startEmbeddedDynamoDb({ dataDir });
    const firstClient = clientFor(first);
    await ensureTable(firstClient, 'berth');
    await createDynamoDbStore({ client: sdkCalls(firstClient), tableName: 'berth' }).create(notes, value);
    firstClient.destroy();
    await first.close();

    const second = await startEmbeddedDynamoDb({ dataDir });
    const secondClient = clientFor(second);
    try {
      const read = await createDynamoDbStore({ client: sdkCalls(secondClient), tableName: 'berth' }).get(
        notes,
        keyOf(notes, value),
      );
      expect(read).toEqual({ value, version: 1 });
    } finally {
      secondClient.destroy();
      await second.close();
    }
  });

  const expectOneLine = async (starting: Promise<unknown>, mentions: RegExp) => {
    const error = await starting.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmbeddedDynamoDbError);
    const message = error instanceof Error ? error.message : '';
    expect(message).toMatch(mentions);
    expect(message).not.toContain('\n');
  };

  it('rejects a data directory that is a file', async () => {
    const file = join(scratch, 'a-file');
    await writeFile(file, 'not a directory');
    await expectOneLine(startEmbeddedDynamoDb({ dataDir: file }), /a-file.*data directory/);
    await expectOneLine(startEmbeddedDynamoDb({ dataDir: join(file, 'below') }), /below.*data directory/);
  });

  it('rejects a data directory another emulator holds', async () => {
    const dataDir = join(scratch, 'held');
    const holder = await startEmbeddedDynamoDb({ dataDir });
    try {
      await expectOneLine(startEmbeddedDynamoDb({ dataDir }), /held.*another process/);
    } finally {
      await holder.close();
    }
  });

  it('rejects a port that is taken, and frees its data directory', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => {
      blocker.listen(0, '127.0.0.1', () => {
        const address = blocker.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    const dataDir = join(scratch, 'port-taken');
    try {
      await expectOneLine(startEmbeddedDynamoDb({ port, dataDir }), new RegExp(`port ${port} .*already in use`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const retried = await startEmbeddedDynamoDb({ dataDir });
    await retried.close();
    expect(retried.endpoint).toMatch(/^http:/);
  });
});
