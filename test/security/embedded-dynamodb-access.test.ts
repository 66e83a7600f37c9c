import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '#functions/runtime/embedded-dynamodb.ts';

/**
 * Dev mode's table holds access keys, policies and sealed secrets. Its
 * emulator accepts any signature, so the endpoint in front of it must turn
 * away every caller but Berth: unsigned, signed with another key, or signed
 * with Berth's key id and the wrong secret.
 */
describe('the embedded DynamoDB endpoint', () => {
  let dynamo: EmbeddedDynamoDb;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamoDb();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  const clientWith = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new DynamoDBClient({ endpoint: dynamo.endpoint, region: dynamo.region, credentials, maxAttempts: 1 });
  const createTable = (client: DynamoDBClient, name: string) =>
    client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
  const refusal = (attempt: Promise<unknown>) =>
    attempt.then(
      () => 'accepted',
      (error: unknown) => (error instanceof Error ? error.name : String(error)),
    );

  it('refuses an unsigned request', async () => {
    const response = await fetch(dynamo.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.CreateTable' },
      body: JSON.stringify({
        TableName: 'unsigned',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      __type: expect.stringContaining('MissingAuthenticationTokenException'),
    });
  });

  it('refuses a request signed with any other key', async () => {
    const foreign = clientWith({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'anything' });
    expect(await refusal(createTable(foreign, 'foreign'))).toBe('UnrecognizedClientException');
    foreign.destroy();
  });

  it("refuses Berth's key id signed with a guessed secret", async () => {
    const guessed = clientWith({ accessKeyId: dynamo.credentials.accessKeyId, secretAccessKey: 'berth-dev' });
    expect(await refusal(createTable(guessed, 'guessed'))).toBe('InvalidSignatureException');
    guessed.destroy();
  });

  it('serves requests signed with its own key, and none of the refused ones reached the table', async () => {
    const berth = clientWith(dynamo.credentials);
    try {
      await createTable(berth, 'berth-own');
      expect((await berth.send(new ListTablesCommand({}))).TableNames).toEqual(['berth-own']);
    } finally {
      berth.destroy();
    }
  });

  it('refuses a body past 16 MiB without buffering it', async () => {
    const response = await fetch(dynamo.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: new Uint8Array(16 * 1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
  });

  it('makes a new key at each start', async () => {
    const other = await startEmbeddedDynamoDb();
    try {
      expect(other.credentials.accessKeyId).not.toBe(dynamo.credentials.accessKeyId);
      expect(other.credentials.secretAccessKey).not.toBe(dynamo.credentials.secretAccessKey);
      const crossed = new DynamoDBClient({
        endpoint: other.endpoint,
        region: other.region,
        credentials: dynamo.credentials,
        maxAttempts: 1,
      });
      expect(await refusal(crossed.send(new ListTablesCommand({})))).toBe('UnrecognizedClientException');
      crossed.destroy();
    } finally {
      await other.close();
    }
  });
});
