import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import type { ControlContext } from '../../../shared/control/context.ts';
import { explainPlacement } from '../../../shared/control/explain-placement.ts';
import { runTaskRequest } from '../../../shared/schemas/ecs-requests.ts';
import type { Logger } from '../../runtime/logger.ts';
import { fromSchemaError } from '../ecs/errors.ts';
import { parseJsonBody, respondWithEcsError } from '../respond.ts';
import type { Admission, RequestGuard } from '../guard.ts';

/**
 * Berth's own extensions to the ECS API, under /berth/v1:
 *
 *   POST /berth/v1/explain-placement   RunTask's request in, a dry-run plan out
 *
 * Plain JSON, signed as every ECS call is. Errors read as the ECS
 * endpoint's do (`{ __type, message }` with the same statuses), so a client
 * handles both alike. Policies name the call `ecs:ExplainPlacement`, a read
 * on the cluster (and task definition) the request names.
 */
export function explainRouter(ctx: ControlContext, guard: RequestGuard, logger: Logger): Hono {
  const app = new Hono();
  app.post('/explain-placement', async (c) => {
    const requestId = randomUUID();
    c.header('x-amzn-RequestId', requestId);
    let admission: Admission | undefined;
    try {
      const raw = new Uint8Array(await c.req.arrayBuffer());
      admission = await guard.admit(c, { action: 'ecs:ExplainPlacement', body: raw, requestId });
      const parsed = runTaskRequest.safeParse(parseJsonBody(raw));
      if (!parsed.success) throw fromSchemaError(parsed.error);
      await admission.authorize(parsed.data);
      const answer = await explainPlacement(ctx, parsed.data);
      await admission.settle();
      return c.json(answer);
    } catch (thrown) {
      await admission?.settle(thrown);
      return respondWithEcsError(c, thrown, { requestId, logger, what: 'explain-placement' });
    }
  });
  return app;
}
