import { createServer } from 'node:http';

/** An instance role as IMDS serves it: its name and the keys handed out, one answer per fetch. */
export interface FakeImdsRole {
  readonly name: string;
  readonly credentials: () => {
    readonly AccessKeyId: string;
    readonly SecretAccessKey: string;
    readonly Token: string;
    readonly Expiration: string;
  };
}

/**
 * An EC2 instance metadata service (IMDSv2) on a loopback port that answers
 * with one instance's identity, so a real agent registers with an EC2
 * instance id: what an `instance` target group needs. One per agent. With a
 * role, it also hands out that role's credentials, as IMDS does, only to a
 * reader that presents the session token.
 */
export async function startFakeImds(identity: {
  instanceId: string;
  privateIpv4?: string;
  region?: string;
  role?: FakeImdsRole;
}) {
  const answers: Record<string, string> = {
    'instance-id': identity.instanceId,
    'instance-type': 't3.micro',
    'placement/availability-zone': 'us-east-1a',
    ...(identity.privateIpv4 !== undefined && { 'local-ipv4': identity.privateIpv4 }),
    ...(identity.region !== undefined && { 'placement/region': identity.region }),
  };
  const { role } = identity;
  const served = { credentials: 0 };
  const server = createServer((request, response) => {
    const url = request.url ?? '';
    if (request.method === 'PUT' && url === '/latest/api/token') return void response.end('test-token');
    const path = url.replace('/latest/meta-data/', '');
    if (role && path.startsWith('iam/security-credentials/')) {
      if (request.headers['x-aws-ec2-metadata-token'] !== 'test-token') return void response.writeHead(401).end();
      if (path === 'iam/security-credentials/') return void response.end(role.name);
      if (path !== `iam/security-credentials/${role.name}`) return void response.writeHead(404).end();
      served.credentials++;
      const keys = role.credentials();
      return void response.end(JSON.stringify({ Code: 'Success', Type: 'AWS-HMAC', ...keys }));
    }
    const answer = answers[path];
    response.writeHead(answer === undefined ? 404 : 200).end(answer ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** How many times the role's credentials were handed out. */
    served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
