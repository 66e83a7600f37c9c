import { Hono, type Context } from 'hono';
import { randomUUID } from 'node:crypto';
import type { ControlContext } from '../../../shared/control/context.ts';
import { explainPlacement } from '../../../shared/control/explain-placement.ts';
import { runTaskRequest } from '../../../shared/schemas/ecs-requests.ts';
import type { Logger } from '../../runtime/logger.ts';
import { fromSchemaError, toEcsError } from '../ecs/errors.ts';
import type { RequestGuard } from '../guard.ts';

/**
 * Berth's own extensions to the ECS API, under /berth/v1:
 *
 *   POST /berth/v1/explain-placement   RunTask's request in, a dry-run plan out
 *
 * Plain JSON. Errors read as the ECS endpoint's do (`{ __type, message }`
 * with the same statuses), so a client handles both alike. The guard sees
 * each call as the operation `ExplainPlacement`, which policies can name.
 */
export function explainRouter(ctx: ControlContext, guard: RequestGuard, logger: Logger): Hono {
  const app = new Hono();
  app.post('/explain-placement', async (c) => {
    const requestId = randomUUID();
    c.header('x-amzn-RequestId', requestId);
    try {
      const raw = new Uint8Array(await c.req.arrayBuffer());
      await guard.checkEcs(c, 'ExplainPlacement', raw);
      const body = parseJson(raw);
      if (body === undefined) return error(c, 400, 'SerializationException', 'The request body is not valid JSON');
      const parsed = runTaskRequest.safeParse(body);
      if (!parsed.success) throw fromSchemaError(parsed.error);
      return c.json(await explainPlacement(ctx, parsed.data));
    } catch (thrown) {
      const known = toEcsError(thrown);
      if (known) return error(c, known.status, known.type, known.message);
      logger.error('explain-placement failed', { requestId, error: thrown });
      return error(c, 500, 'ServerException', `Internal error (request ${requestId})`);
    }
  });
  return app;
}

function parseJson(raw: Uint8Array): unknown {
  const text = new TextDecoder().decode(raw).trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function error(c: Context, status: 400 | 403 | 404 | 409 | 500, type: string, message: string): Response {
  return c.json({ __type: type, message }, status);
}
