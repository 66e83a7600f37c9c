import {
  CreateHttpNamespaceCommand,
  CreateServiceCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { testAwsClientConfig } from './aws-endpoint.ts';

/** Cloud Map services on the test endpoint (moto server unless told otherwise), in one HTTP namespace. */
export async function cloudMapFixture(namespaceName: string) {
  const config = testAwsClientConfig();
  const client = new ServiceDiscoveryClient(config);
  await client.send(new CreateHttpNamespaceCommand({ Name: namespaceName }));
  const namespaces = await client.send(new ListNamespacesCommand({}));
  const namespaceId = namespaces.Namespaces!.find((n) => n.Name === namespaceName)!.Id!;
  return {
    config,
    client,
    /** A Cloud Map service's ARN; `customHealth` gives it HealthCheckCustomConfig. */
    async service(name: string, options: { customHealth?: boolean } = {}): Promise<string> {
      const created = await client.send(
        new CreateServiceCommand({
          Name: name,
          NamespaceId: namespaceId,
          ...(options.customHealth && { HealthCheckCustomConfig: { FailureThreshold: 1 } }),
        }),
      );
      return created.Service!.Arn!;
    },
    /** The service's instances: id to attributes. */
    async instances(arn: string): Promise<Map<string, Record<string, string>>> {
      const listed = await client.send(new ListInstancesCommand({ ServiceId: arn.slice(arn.lastIndexOf('/') + 1) }));
      return new Map((listed.Instances ?? []).map((i) => [i.Id!, i.Attributes ?? {}]));
    },
    destroy: () => client.destroy(),
  };
}

/**
 * A proxy in front of the Cloud Map endpoint that can hold back one
 * operation (answered 503) while counting the attempts, so a test can see
 * what Berth does while, say, a deregistration has not happened yet.
 */
export async function cloudMapGate(target: string) {
  const { createServer, request } = await import('node:http');
  const held = new Set<string>();
  const attempts = new Map<string, number>();
  const server = createServer((incoming, outgoing) => {
    const operation =
      String(incoming.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      attempts.set(operation, (attempts.get(operation) ?? 0) + 1);
      if (held.has(operation)) {
        outgoing.writeHead(503, { 'content-type': 'application/x-amz-json-1.1' });
        outgoing.end(JSON.stringify({ __type: 'ServiceUnavailable', message: 'held by the test' }));
        return;
      }
      const url = new URL(target);
      const forwarded = request(
        { host: url.hostname, port: url.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    hold: (operation: string) => held.add(operation),
    release: (operation: string) => held.delete(operation),
    attempts: (operation: string) => attempts.get(operation) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
