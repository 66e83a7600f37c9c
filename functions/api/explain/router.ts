import { Hono } from 'hono';
import type { ControlContext } from '#shared/control/context.ts';
import { explainPlacement } from '#shared/control/explain-placement.ts';
import { explainTaskPlacement } from '#shared/control/explain-task-placement.ts';
import { runTaskRequest } from '#shared/schemas/ecs-requests.ts';
import * as z from 'zod';
import { serviceMetricsRoute } from './service-metrics-route.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import { accept, admitted, answerErrors, type EnvelopeEnv } from '../envelope.ts';
import { parseJsonBody } from '../respond.ts';
import type { RequestGuard } from '../guard.ts';

/**
 * Berth's own extensions to the ECS API, under /berth/v1:
 *
 *   POST /berth/v1/explain-placement   RunTask's request in, a dry-run plan out;
 *                                      or `{ cluster, task }`: a stored task's plan
 *   POST /berth/v1/service-metrics     a service's average cpu and memory utilisation
 *
 * Plain JSON, signed as every ECS call is. Errors read as the ECS
 * endpoint's do (`{ __type, message }` with the same statuses), so a client
 * handles both alike. Policies name the call `ecs:ExplainPlacement`, a read
 * on the cluster (and task definition) the request names.
 */
export function explainRouter(ctx: ControlContext, guard: RequestGuard, logger: Logger): Hono<EnvelopeEnv> {
  const app = new Hono<EnvelopeEnv>();
  app.onError(answerErrors(logger, (c) => c.req.path.split('/').pop() ?? 'berth'));
  app.post('/explain-placement', admitted(guard, 'ecs:ExplainPlacement'), async (c) => {
    const body = parseJsonBody(c.get('raw'));
    if (typeof body === 'object' && body !== null && 'task' in body) {
      return c.json(await explainTaskPlacement(ctx, await accept(c, explainTaskRequest(), body)));
    }
    return c.json(await explainPlacement(ctx, await accept(c, runTaskRequest, body)));
  });
  serviceMetricsRoute(app, ctx, guard);
  return app;
}

/** Built on first use: the api's schemas are not made at import time. */
let taskRequest: z.ZodType<{ cluster?: string | undefined; task: string }> | undefined;
function explainTaskRequest() {
  taskRequest ??= z.strictObject({ cluster: z.string().min(1).max(2048).optional(), task: z.string().min(1) });
  return taskRequest;
}
