import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scriptedAwsServers, type SeenRequest } from '#test/support/scripted-aws-server.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAwsJsonClient } from '#functions/adapters/aws-json-client.ts';
import { AwsServiceError } from '#functions/adapters/aws-json-errors.ts';

/**
 * The shared core of Berth's lean AWS clients over a scripted HTTP server:
 * headers, retries and the clock-skew correction. The contract suites cover
 * the services themselves against moto.
 */
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const scripted = scriptedAwsServers();

const kms = { signingName: 'kms', targetPrefix: 'TrentService', jsonVersion: '1.1' } as const;
const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'the-session' };
const quickBackoff = { baseMs: 1, throttledBaseMs: 1, capMs: 5 };

/** The x-amz-date a request was signed with, as milliseconds since the epoch. */
function signedAt(seen: SeenRequest | undefined): number {
  const stamp = String(seen?.headers['x-amz-date']);
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`;
  return Date.parse(iso);
}

describe('the lean AWS JSON client', () => {
  it('loads node:https for its connection pool on the first call, not when it is made (a cold start need not pay it)', async () => {
    const builtins = vi.spyOn(process, 'getBuiltinModule');
    try {
      const idle = createAwsJsonClient(kms, {
        endpoint: 'https://kms.eu-west-1.amazonaws.com',
        region: 'eu-west-1',
        credentials,
      });
      idle.destroy();
      expect(builtins).not.toHaveBeenCalled();
      const { endpoint } = await scripted([{ status: 200, body: '{}' }]);
      const client = createAwsJsonClient(kms, { endpoint, region: 'eu-west-1', credentials });
      await client.call('ListKeys', {});
      await client.call('ListKeys', {});
      client.destroy();
      // The signer takes node:crypto the same way; only the transport is in question here.
      const transports = builtins.mock.calls.filter(([name]) => name === 'node:http' || name === 'node:https');
      expect(transports).toEqual([['node:http']]);
    } finally {
      builtins.mockRestore();
    }
  });

  it('posts the target, the JSON version, the session token and a signature for the service', async () => {
    const { endpoint, seen } = await scripted([{ status: 200, body: '{"KeyId":"k"}' }]);
    const client = createAwsJsonClient(kms, { endpoint, region: 'eu-west-1', credentials });
    expect(await client.call('Encrypt', { KeyId: 'k', Plaintext: 'YQ==' })).toEqual({ KeyId: 'k' });
    client.destroy();
    expect(seen[0]?.headers).toMatchObject({
      'x-amz-target': 'TrentService.Encrypt',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-security-token': 'the-session',
    });
    expect(seen[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE\/\d{8}\/eu-west-1\/kms\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-security-token[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('names an error by the x-amzn-errortype header before the body, without its uri tail', async () => {
    const { endpoint } = await scripted([
      {
        status: 400,
        body: '{"message":"no such key"}',
        headers: { 'x-amzn-errortype': 'NotFoundException:http://internal.amazon.com/coral/com.amazon.kms/' },
      },
    ]);
    const client = createAwsJsonClient(kms, { endpoint, region: 'us-east-1', credentials });
    const error = await client.call('Decrypt', {}).catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({ name: 'NotFoundException', message: 'no such key', status: 400 });
  });

  it.each([
    ['a 429 of any type', 429, '{"__type":"com.amazonaws.sqs#Busy","message":"slow"}'],
    ['a throttling type', 400, '{"__type":"ThrottlingException","message":"slow"}'],
    ['a 502', 502, 'bad gateway'],
  ])('retries %s up to its attempts', async (_name, status, body) => {
    const { endpoint, seen } = await scripted([{ status, body }]);
    const client = createAwsJsonClient(kms, {
      endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 4,
      backoff: quickBackoff,
    });
    await expect(client.call('Encrypt', {})).rejects.toBeInstanceOf(AwsServiceError);
    client.destroy();
    expect(seen).toHaveLength(4);
  });

  it('makes three attempts by default, as the SDK standard retry mode', async () => {
    const { endpoint, seen } = await scripted([{ status: 500, body: '{"__type":"KMSInternalException"}' }]);
    const client = createAwsJsonClient(kms, { endpoint, region: 'us-east-1', credentials, backoff: quickBackoff });
    await expect(client.call('Encrypt', {})).rejects.toMatchObject({ name: 'KMSInternalException' });
    client.destroy();
    expect(seen).toHaveLength(3);
  });

  it('corrects its clock from the Date of a skew error, retries signed at the service time, and keeps the offset', async () => {
    const serverTime = Date.now() + 60 * 60 * 1000; // an hour ahead
    const date = new Date(serverTime).toUTCString();
    const { endpoint, seen } = await scripted([
      {
        status: 400,
        body: '{"__type":"InvalidSignatureException","message":"Signature expired"}',
        headers: { date },
      },
      { status: 200, body: '{}', headers: { date } },
    ]);
    const client = createAwsJsonClient(kms, { endpoint, region: 'us-east-1', credentials, backoff: quickBackoff });
    await expect(client.call('Encrypt', {})).resolves.toEqual({});
    await expect(client.call('Encrypt', {})).resolves.toEqual({});
    client.destroy();
    expect(seen).toHaveLength(3);
    expect(Math.abs(signedAt(seen[0]) - Date.now())).toBeLessThan(5 * 60 * 1000);
    expect(Math.abs(signedAt(seen[1]) - serverTime)).toBeLessThan(5 * 60 * 1000);
    expect(Math.abs(signedAt(seen[2]) - serverTime)).toBeLessThan(5 * 60 * 1000);
  });

  it('does not retry a skew error when the Date shows no skew', async () => {
    const { endpoint, seen } = await scripted([
      {
        status: 400,
        body: '{"__type":"InvalidSignatureException","message":"The signature does not match"}',
        headers: { date: new Date().toUTCString() },
      },
    ]);
    const client = createAwsJsonClient(kms, { endpoint, region: 'us-east-1', credentials, backoff: quickBackoff });
    await expect(client.call('Encrypt', {})).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    client.destroy();
    expect(seen).toHaveLength(1);
  });

  it('retries a dropped connection', async () => {
    let dropped = false;
    server = createServer((request, response) => {
      if (!dropped) {
        dropped = true;
        request.socket.destroy();
        return;
      }
      response.writeHead(200).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = createAwsJsonClient(kms, {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials,
      backoff: quickBackoff,
    });
    await expect(client.call('Encrypt', {})).resolves.toEqual({ ok: true });
    client.destroy();
    expect(dropped).toBe(true);
  });
});
