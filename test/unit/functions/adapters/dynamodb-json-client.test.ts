import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDbJsonClient, DynamoDbServiceError } from '#functions/adapters/dynamodb-json-client.ts';

/**
 * The lean client's edges over a scripted HTTP server; the store contract
 * suite covers the API itself against dynalite and moto.
 */
interface Seen {
  readonly target: string | undefined;
  readonly body: string;
  readonly authorization: string | undefined;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function scripted(answers: { status: number; body: string }[]): Promise<{ endpoint: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  async function answerWith(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    seen.push({
      target: request.headers['x-amz-target'] as string | undefined,
      body: Buffer.concat(chunks).toString('utf8'),
      authorization: request.headers.authorization,
    });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)] ?? { status: 500, body: '' };
    response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(answer.body);
  }
  // http calls its listener without awaiting it; an error in this stub surfaces as an
  // unhandled rejection, which vitest reports as a failed run, and that is what a test wants.
  server = createServer((request: IncomingMessage, response) => void answerWith(request, response));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, seen };
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('DynamoDB JSON client', () => {
  it('posts the operation as x-amz-target with a SigV4 signature for dynamodb', async () => {
    const { endpoint, seen } = await scripted([{ status: 200, body: '{"Item":{"pk":{"S":"a"}}}' }]);
    const client = createDynamoDbJsonClient({ endpoint, region: 'eu-west-1', credentials });
    const answer = await client.call('GetItem', { TableName: 'berth', Key: { pk: { S: 'a' } } });
    client.destroy();
    expect(answer.Item).toEqual({ pk: { S: 'a' } });
    expect(seen[0]?.target).toBe('DynamoDB_20120810.GetItem');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ TableName: 'berth', Key: { pk: { S: 'a' } } });
    expect(seen[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
  });

  it.each([
    [
      'throttling',
      400,
      '{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}',
    ],
    ['a server error', 500, '{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"oops"}'],
    ['a proxy page', 503, '<html>busy</html>'],
  ])('retries %s and then succeeds', async (_name, status, body) => {
    const { endpoint, seen } = await scripted([
      { status, body },
      { status: 200, body: '{}' },
    ]);
    const client = createDynamoDbJsonClient({ endpoint, region: 'us-east-1', credentials });
    await expect(client.call('PutItem', { TableName: 'berth', Item: {} })).resolves.toEqual({});
    client.destroy();
    expect(seen).toHaveLength(2);
  });

  it.each([
    [
      'a failed condition',
      '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}',
      'ConditionalCheckFailedException',
      'The conditional request failed',
    ],
    [
      'a validation error',
      '{"__type":"com.amazon.coral.validate#ValidationException","Message":"bad key"}',
      'ValidationException',
      'bad key',
    ],
  ])('throws %s at once, named as the SDK names it', async (_name, body, name, message) => {
    const { endpoint, seen } = await scripted([{ status: 400, body }]);
    const client = createDynamoDbJsonClient({ endpoint, region: 'us-east-1', credentials });
    const error = await client.call('PutItem', { TableName: 'berth', Item: {} }).catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(DynamoDbServiceError);
    expect(error).toMatchObject({ name, message, status: 400 });
    expect(seen).toHaveLength(1);
  });

  it('gives up after its attempts with the last error', async () => {
    const { endpoint, seen } = await scripted([
      { status: 500, body: '{"__type":"x#InternalServerError","message":"down"}' },
    ]);
    const client = createDynamoDbJsonClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 3 });
    await expect(client.call('Query', { TableName: 'berth' })).rejects.toMatchObject({ name: 'InternalServerError' });
    client.destroy();
    expect(seen).toHaveLength(3);
  });
});
