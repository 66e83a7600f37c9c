import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import type { FunctionHost } from './function-host.ts';

/** A function URL takes a request payload of at most 6 MB. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Bodies Lambda passes as text; any other content type arrives base64-encoded. */
function isTextual(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    /^application\/([\w.+-]+\+)?(json|xml|javascript)$/.test(type) ||
    type === 'application/x-www-form-urlencoded'
  );
}

/** Header values as the event carries them: lowercased names, repeated headers joined by commas. */
function eventHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headersDistinct)) {
    if (name === 'cookie' || value === undefined) continue;
    headers[name.toLowerCase()] = value.join(',');
  }
  return headers;
}

function queryParameters(search: URLSearchParams): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const name of new Set(search.keys())) parameters[name] = search.getAll(name).join(',');
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

/** The payload format 2.0 event a function URL sends for one HTTP request. */
export function functionUrlEvent(
  request: IncomingMessage,
  body: Buffer,
  context: { accountId: string; urlId: string; region: string },
): APIGatewayProxyEventV2 {
  const rawUrl = request.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
  const headers = eventHeaders(request);
  const cookies = request.headers.cookie?.split(';').map((cookie) => cookie.trim());
  const textual = isTextual(headers['content-type']);
  const now = new Date();
  const domainName = `${context.urlId}.lambda-url.${context.region}.on.aws`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies && { cookies }),
    headers,
    ...(queryParameters(new URLSearchParams(rawQueryString)) && {
      queryStringParameters: queryParameters(new URLSearchParams(rawQueryString)),
    }),
    requestContext: {
      accountId: 'anonymous',
      apiId: context.urlId,
      domainName,
      domainPrefix: context.urlId,
      http: {
        method: request.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: textual ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

const structuredResult = z.object({
  statusCode: z.number().int(),
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
  cookies: z.array(z.string()).optional(),
});

/**
 * The HTTP answer for a handler's result: a result with a statusCode is a
 * response; anything else is a 200 with the result as its JSON body, as a
 * function URL does with a result that is not one.
 */
export function writeResult(response: ServerResponse, result: unknown): void {
  const parsed = structuredResult.safeParse(result);
  if (!parsed.success) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(result));
    return;
  }
  const { statusCode, headers = {}, body = '', isBase64Encoded, cookies = [] } = parsed.data;
  const outgoing: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) outgoing[name] = String(value);
  if (cookies.length > 0) outgoing['set-cookie'] = cookies;
  response.writeHead(statusCode, outgoing);
  response.end(isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_PAYLOAD_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The api function's URL: an HTTP server on loopback that invokes the function once per request. */
export async function startFunctionUrl(
  host: FunctionHost,
  context: { accountId: string; region: string; port?: number },
): Promise<{ url: string; server: Server }> {
  const urlId = randomUUID().replaceAll('-', '');
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      if (body === undefined) {
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' }),
        );
        return;
      }
      const outcome = await host.invoke(functionUrlEvent(request, body, { ...context, urlId }));
      if (outcome.ok) writeResult(response, outcome.result);
      else {
        // A function error or timeout reaches the caller as a bare 502.
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ Message: 'Internal Server Error' }));
      }
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(context.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}
