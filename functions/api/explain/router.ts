import { Hono } from 'hono';
import type { ControlContext } from '#shared/control/context.ts';
import { explainPlacement } from '#shared/control/explain-placement.ts';
import { runTaskRequest } from '#shared/schemas/ecs-requests.ts';
import { serviceMetricsRoute } from './service-metrics-route.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import { accept, admitted, answerErrors, type EnvelopeEnv } from '../envelope.ts';
import { parseJsonBody } from '../respond.ts';
import type { RequestGuard } from '../guard.ts';

/**
 * Berth's own extensions to the ECS API, under /berth/v1:
 *
 *   POST /berth/v1/explain-placement   RunTask's request in, a dry-run plan out
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
    const request = await accept(c, runTaskRequest, parseJsonBody(c.get('raw')));
    return c.json(await explainPlacement(ctx, request));
  });
  serviceMetricsRoute(app, ctx, guard);
  return app;
}
