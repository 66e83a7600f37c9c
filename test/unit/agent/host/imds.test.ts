import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEc2Identity } from '#agent/host/imds.ts';

/** A FAKE instance metadata service that insists on IMDSv2's session token. */
let fakeImds: Server;
let endpoint = '';
const metadata: Record<string, string> = {
  'instance-id': 'i-0123456789abcdef0',
  'instance-type': 'm6g.large',
  'placement/availability-zone': 'us-east-1b',
  'ami-id': 'ami-42',
  'local-ipv4': '10.0.1.23',
};

beforeAll(async () => {
  fakeImds = createServer((request, response) => {
    if (request.method === 'PUT' && request.url === '/latest/api/token') {
      response.end('token-1');
      return;
    }
    const path = request.url?.replace('/latest/meta-data/', '') ?? '';
    const value = metadata[path];
    if (request.headers['x-aws-ec2-metadata-token'] !== 'token-1') response.writeHead(401).end();
    else if (value === undefined) response.writeHead(404).end();
    else response.end(value);
  });
  await new Promise<void>((resolve) => fakeImds.listen(0, '127.0.0.1', () => resolve()));
  const address = fakeImds.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => {
  fakeImds.close();
});

describe('readEc2Identity', () => {
  it('reads the instance id, type, zone and AMI with a session token', async () => {
    expect(await readEc2Identity(endpoint)).toEqual({
      instanceId: 'i-0123456789abcdef0',
      instanceType: 'm6g.large',
      availabilityZone: 'us-east-1b',
      amiId: 'ami-42',
      privateIpv4: '10.0.1.23',
    });
  });

  it('says "not on EC2" quickly when nothing answers', async () => {
    const started = Date.now();
    expect(await readEc2Identity('http://127.0.0.1:1', 500)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
