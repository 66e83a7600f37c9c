import type { Context } from 'hono';
import type { Logger } from '../runtime/logger.ts';
import { requireJsonDepth } from '#shared/domain/request-limits.ts';
import { ProtocolError, toEcsError, type EcsErrorShape } from './ecs/errors.ts';

export const AWS_JSON = 'application/x-amz-json-1.1';

/**
 * A JSON request body; empty means `{}`, as the AWS SDKs send it. Its depth
 * is checked on the text first, so nothing downstream (schemas, the audit
 * log, the table) ever walks a pathologically nested value.
 */
export function parseJsonBody(raw: Uint8Array): unknown {
  const text = new TextDecoder().decode(raw).trim();
  if (text === '') return {};
  requireJsonDepth(text);
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError('SerializationException', 'The request body is not valid JSON');
  }
}

/**
 * An error in the AWS JSON shape every Berth endpoint answers with: `__type`
 * and `message` in the body, the type in `x-amzn-ErrorType`. Anything not
 * known is a ServerException naming the request id, and is logged.
 */
export function respondWithEcsError(
  c: Context,
  error: unknown,
  info: {
    readonly requestId: string;
    readonly logger: Logger;
    readonly what: string;
    /** Errors of the endpoint's own that toEcsError does not know. */
    readonly own?: (error: unknown) => EcsErrorShape | undefined;
  },
): Response {
  const known = info.own?.(error) ?? toEcsError(error);
  const shape = known ?? {
    type: 'ServerException',
    status: 500 as const,
    message: `Internal error (request ${info.requestId})`,
  };
  if (!known) info.logger.error(`${info.what} failed`, { requestId: info.requestId, error });
  c.header('x-amzn-ErrorType', shape.type);
  return c.body(JSON.stringify({ __type: shape.type, message: shape.message }), shape.status, {
    'content-type': AWS_JSON,
  });
}
