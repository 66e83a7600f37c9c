import { describe, expect, it } from 'vitest';
import { sign } from '#console/src/sigv4.ts';
import { signRequest } from '#shared/security/sigv4/sign.ts';

/**
 * The browser's signer must produce the signature Berth's own (server-side)
 * signer produces for the same request: the server verifies with that code.
 */
describe('the console signer', () => {
  const credentials = {
    accessKeyId: 'BKIAABCDEFGHIJKLMNOP',
    secretAccessKey: 'abcdefghijklmnopqrstuvwxyz0123456789_-AB',
  };
  const now = Date.UTC(2026, 11, 6, 15, 4, 5);

  it.each([
    ['/', 'AmazonEC2ContainerServiceV20141113.ListClusters', '{}'],
    ['/', 'Logs_20140328.GetLogEvents', '{"logGroupName":"/ecs/web"}'],
    ['/berth/v1/explain-placement', undefined, '{"cluster":"default","taskDefinition":"web:1"}'],
  ])('signs POST %s (%s) as the server-side signer does', async (path, target, body) => {
    const headers: Record<string, string> = {
      host: '127.0.0.1:7466',
      'content-type': 'application/x-amz-json-1.1',
      'amz-sdk-invocation-id': '7a1e3b6c-0d55-4f7e-9c3a-2f1b8e6d4c21',
      ...(target !== undefined && { 'x-amz-target': target }),
    };
    const browser = await sign(
      { method: 'POST', path, headers, body, region: 'eu-west-1', service: 'ecs', now },
      credentials,
    );
    const server = signRequest(
      {
        method: 'POST',
        path,
        query: '',
        headers: new Map(Object.entries(headers)),
        body: new TextEncoder().encode(body),
      },
      credentials,
      { region: 'eu-west-1', service: 'ecs', now },
    );
    expect(browser).toEqual(server);
    expect(browser.authorization).toContain('Credential=BKIAABCDEFGHIJKLMNOP/20261206/eu-west-1/ecs/aws4_request');
  });

  it('changes the signature when the secret differs', async () => {
    const input = {
      method: 'POST',
      path: '/',
      headers: { host: 'h' },
      body: '{}',
      region: 'us-east-1',
      service: 'ecs',
      now,
    };
    const one = await sign(input, credentials);
    const other = await sign(input, {
      ...credentials,
      secretAccessKey: `${credentials.secretAccessKey.slice(0, 39)}C`,
    });
    expect(one.authorization).not.toBe(other.authorization);
  });
});
