import { describe, expect, it } from 'vitest';
import { runBerth } from '#cli/berth.ts';

/**
 * The `berth` CLI and key material on the wire: a new secret access key, a
 * secret's value or a registration token goes over plain HTTP only to
 * loopback, or when --allow-insecure-http says the network is trusted.
 * The fetch below records what would have left the machine.
 */
const keyMaterialCommands = [
  ['keys', 'create', '--admin'],
  ['keys', 'rotate', 'BKIAAAAAAAAAAAAAAAAA'],
  ['secrets', 'put', 'db-password', '--value-stdin'],
  ['agents', 'token', '--cluster', 'default'],
];

async function berthCli(args: readonly string[], endpoint: string) {
  const sent: string[] = [];
  let stderr = '';
  const code = await runBerth(args, {
    stdout: () => {},
    stderr: (text) => void (stderr += text),
    env: {
      BERTH_ENDPOINT: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'BKIAEXAMPLEEXAMPLE01',
      AWS_SECRET_ACCESS_KEY: 'example',
    },
    readStdin: async () => 'hunter2',
    fetch: async (input, init) => {
      sent.push(String(input));
      // agents token first checks its cluster through ECS DescribeClusters: one that exists.
      if (new Headers(init?.headers).get('x-amz-target')?.endsWith('.DescribeClusters')) {
        return new Response('{"clusters":[{"clusterName":"default","status":"ACTIVE"}],"failures":[]}');
      }
      return new Response('{"__type":"ServerException","message":"recorded, not served"}', { status: 500 });
    },
  });
  return { code, stderr, sent };
}

describe('the berth CLI over plain HTTP', () => {
  it.each(keyMaterialCommands)('refuses %s %s to a remote http:// endpoint, sending nothing', async (...args) => {
    const result = await berthCli(args, 'http://berth.example.net:7466');
    expect(result.sent).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('plain HTTP to berth.example.net:7466');
    expect(result.stderr).toContain('--allow-insecure-http');
  });

  it.each(keyMaterialCommands)('sends %s %s when --allow-insecure-http is given', async (...args) => {
    const result = await berthCli([...args, '--allow-insecure-http'], 'http://10.1.2.3:7466');
    const admin = result.sent.filter((url) => url.includes('/admin/v1/'));
    expect(admin).toEqual([expect.stringMatching(/^http:\/\/10\.1\.2\.3:7466\/admin\/v1\//)]);
  });

  it.each([
    'https://berth.example.net',
    'http://127.0.0.1:7466',
    'http://127.8.9.10:7466',
    'http://localhost:7466',
    'http://[::1]:7466',
  ])('sends keys create to %s without the flag', async (endpoint) => {
    const result = await berthCli(['keys', 'create', '--admin'], endpoint);
    expect(result.sent).toHaveLength(1);
    expect(result.stderr).not.toContain('plain HTTP');
  });

  it.each([
    'http://127.0.0.1.example.net:7466',
    'http://0.0.0.0:7466',
    'http://[::ffff:10.0.0.1]:7466',
    'http://[fe80::1]:7466',
  ])('treats %s as remote', async (endpoint) => {
    const result = await berthCli(['keys', 'create', '--admin'], endpoint);
    expect(result.sent).toEqual([]);
    expect(result.code).toBe(1);
  });

  it('lets commands that carry no key material use plain HTTP', async () => {
    const result = await berthCli(['keys', 'list'], 'http://berth.example.net:7466');
    expect(result.sent).toEqual(['http://berth.example.net:7466/admin/v1/access-keys']);
  });
});
