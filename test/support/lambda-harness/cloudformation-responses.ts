import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import * as z from 'zod';

/** The body a custom resource provider PUTs to the event's ResponseURL. */
export const cloudFormationResponse = z.object({
  Status: z.enum(['SUCCESS', 'FAILED']),
  Reason: z.string().optional(),
  StackId: z.string(),
  RequestId: z.string(),
  LogicalResourceId: z.string(),
  PhysicalResourceId: z.string(),
  NoEcho: z.boolean().optional(),
  Data: z.record(z.string(), z.unknown()).optional(),
});
export type CloudFormationResponse = z.infer<typeof cloudFormationResponse>;

/**
 * CloudFormation's side of a custom resource: the pre-signed S3 URLs it hands
 * out as ResponseURL, served on loopback. A URL takes PUTs only, with the
 * signature it was issued with (anything else is 403, as S3 answers), and
 * keeps every body it was sent, in order.
 */
export interface ResponseEndpoint {
  /** A fresh pre-signed-URL-shaped ResponseURL for one request. */
  urlFor(stackId: string, logicalResourceId: string, requestId: string): string;
  /** The bodies PUT to `url` so far. */
  received(url: string): readonly CloudFormationResponse[];
  stop(): Promise<void>;
}

export async function startResponseEndpoint(): Promise<ResponseEndpoint> {
  const signatures = new Map<string, string>();
  const bodies = new Map<string, CloudFormationResponse[]>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const expected = signatures.get(url.pathname);
    if (request.method !== 'PUT' || !expected || url.searchParams.get('X-Amz-Signature') !== expected) {
      response.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      return;
    }
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const parsed = cloudFormationResponse.safeParse(JSON.parse(text || 'null'));
      if (!parsed.success) {
        response.writeHead(400).end(parsed.error.message);
        return;
      }
      bodies.set(url.pathname, [...(bodies.get(url.pathname) ?? []), parsed.data]);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    urlFor(stackId, logicalResourceId, requestId) {
      const path = `/cloudformation-custom-resource-response-useast1/${encodeURIComponent(`${stackId}|${logicalResourceId}|${requestId}`)}`;
      const signature = randomBytes(32).toString('hex');
      signatures.set(path, signature);
      const query = new URLSearchParams({
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Date': new Date().toISOString().replace(/[-:]|\.\d+/g, ''),
        'X-Amz-SignedHeaders': 'host',
        'X-Amz-Expires': '7200',
        'X-Amz-Credential': 'AKIA6GSNF7WU3RIJAXWE/20261206/us-east-1/s3/aws4_request',
        'X-Amz-Signature': signature,
      });
      return `http://127.0.0.1:${port}${path}?${query.toString()}`;
    },
    received(url) {
      return bodies.get(new URL(url).pathname) ?? [];
    },
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
