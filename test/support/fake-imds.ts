import { createServer } from 'node:http';

/**
 * An EC2 instance metadata service (IMDSv2) on a loopback port that answers
 * with one instance's identity, so a real agent registers with an EC2
 * instance id: what an `instance` target group needs. One per agent.
 */
export async function startFakeImds(identity: { instanceId: string; privateIpv4?: string }) {
  const answers: Record<string, string> = {
    'instance-id': identity.instanceId,
    'instance-type': 't3.micro',
    'placement/availability-zone': 'us-east-1a',
    ...(identity.privateIpv4 !== undefined && { 'local-ipv4': identity.privateIpv4 }),
  };
  const server = createServer((request, response) => {
    const url = request.url ?? '';
    if (request.method === 'PUT' && url === '/latest/api/token') return void response.end('test-token');
    const answer = answers[url.replace('/latest/meta-data/', '')];
    response.writeHead(answer === undefined ? 404 : 200).end(answer ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
