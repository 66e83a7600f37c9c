import type { Context } from 'hono';
import * as z from 'zod';
import type { HttpRequestParts } from '#shared/security/sigv4/canonical-request.ts';

/** The request as signed: method, raw path and query, headers (lower case), and the body's bytes. */
export function requestParts(c: Context, body: Uint8Array): HttpRequestParts {
  const url = new URL(c.req.url);
  const headers = new Map<string, string>();
  c.req.raw.headers.forEach((value, name) => headers.set(name.toLowerCase(), value));
  return { method: c.req.method, path: url.pathname, query: url.search.replace(/^\?/, ''), headers, body };
}

const nodeBindings = z.object({ incoming: z.object({ socket: z.object({ remoteAddress: z.string() }) }) });
const lambdaBindings = z.object({ requestContext: z.object({ http: z.object({ sourceIp: z.string() }) }) });

/**
 * The peer's address as the runtime saw it: the socket in dev mode, the
 * function URL's request context in Lambda. Never X-Forwarded-For, which
 * any client can write.
 */
export function sourceAddress(c: Context): string {
  const node = nodeBindings.safeParse(c.env);
  if (node.success) return node.data.incoming.socket.remoteAddress;
  const lambda = lambdaBindings.safeParse(c.env);
  if (lambda.success) return lambda.data.requestContext.http.sourceIp;
  return 'unknown';
}
