import { randomUUID } from 'node:crypto';
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Logger } from '../runtime/logger.ts';
import { fromSchemaError, type EcsErrorShape } from './ecs/errors.ts';
import type { Admission, RequestGuard } from './guard.ts';
import { respondWithEcsError } from './respond.ts';

/** What the envelope leaves for the route: the id the answer carries, the body as signed, the admission. */
export type EnvelopeEnv = {
  Variables: {
    requestId: string;
    raw: Uint8Array;
    admission: Admission;
  };
};

/** The action policies name: fixed per route, or read from the request (the ECS endpoint's X-Amz-Target). */
export type ActionOf = string | ((c: Context<EnvelopeEnv>) => string);

/**
 * The envelope every signed Berth call (ECS, explain, admin) passes through,
 * as a per-route middleware: a fresh request id in `x-amzn-RequestId`, the
 * raw body read once, the guard's admission (authentication, and the audit of
 * a refusal) before the route runs, and the outcome settled once it has run,
 * with the error the router's onError answered, if any. The id is always made
 * here, never taken from the request: audit records must not carry an id the
 * caller chose (why hono's requestId() middleware, which honours an incoming
 * header, is not used).
 */
export function admitted(guard: RequestGuard, action: ActionOf): MiddlewareHandler<EnvelopeEnv> {
  return async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.header('x-amzn-RequestId', requestId);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    c.set('raw', raw);
    const admission = await guard.admit(c, {
      action: typeof action === 'string' ? action : action(c),
      body: raw,
      requestId,
    });
    c.set('admission', admission);
    await next();
    // The route's error was answered already by onError; the audit log hears how the call ended.
    await admission.settle(c.error);
  };
}

/** Validates a route's input against its schema, then authorises the call for it: nothing runs on a bad or refused input. */
export async function accept<S extends z.ZodType>(
  c: Context<EnvelopeEnv>,
  schema: S,
  input: unknown,
): Promise<z.infer<S>> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fromSchemaError(parsed.error);
  await c.get('admission').authorize(parsed.data);
  return parsed.data;
}

/** The one onError of the signed routers: every failure answered in the AWS JSON error shape. */
export function answerErrors(
  logger: Logger,
  what: (c: Context<EnvelopeEnv>) => string,
  own?: (error: unknown) => EcsErrorShape | undefined,
): ErrorHandler<EnvelopeEnv> {
  return (error, c) =>
    respondWithEcsError(c, error, {
      requestId: c.get('requestId'),
      logger,
      what: what(c),
      ...(own !== undefined && { own }),
    });
}
