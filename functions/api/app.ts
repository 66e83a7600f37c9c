import { Hono } from 'hono';
import type { ControlContext } from '#shared/control/context.ts';
import { silentLogger, type Logger } from '../runtime/logger.ts';
import type { AdminService } from '#shared/security/admin-service.ts';
import type { SecretSource } from '#shared/security/secret-api.ts';
import { adminRouter } from './admin/router.ts';
import { agentRouter } from './agent/router.ts';
import { ecsRouter } from './ecs/router.ts';
import { isScalingCall, scalingRouter } from './autoscaling/router.ts';
import { explainRouter } from './explain/router.ts';
import { openGuard, type RequestGuard } from './guard.ts';
import type { ConsoleAssets } from './console/assets.ts';
import { consoleHandler } from './console/router.ts';

export interface ApiDependencies {
  readonly ctx: ControlContext;
  readonly guard?: RequestGuard;
  readonly logger?: Logger;
  /** Key management and the audit log under /admin/v1; mounted only with a guard that checks signatures. */
  readonly admin?: AdminService;
  /** Berth-stored task secrets, for the agent API's secrets route; the route is mounted only with it. */
  readonly secrets?: SecretSource;
  /** The web console's static files, served unsigned under /console; not mounted without them. */
  readonly console?: ConsoleAssets;
}

/**
 * Berth's HTTP API: the ECS-compatible endpoint at `/` and the agent API
 * under `/agent/v1`. The same app serves Lambda (handler.ts) and dev mode.
 */
export function createApp(deps: ApiDependencies): Hono {
  const guard = deps.guard ?? openGuard;
  const logger = deps.logger ?? silentLogger;
  const app = new Hono();
  app.get('/ping', (c) => c.json({ ok: true }));
  if (deps.console) app.get('/console/*', consoleHandler(deps.console));
  app.route('/agent/v1', agentRouter(deps.ctx, guard, logger, deps.secrets));
  if (deps.admin) app.route('/admin/v1', adminRouter(deps.admin, guard, logger));
  app.route('/berth/v1', explainRouter(deps.ctx, guard, logger));
  // Application Auto Scaling shares the endpoint; its X-Amz-Target tells its calls apart.
  const scaling = scalingRouter(deps.ctx, guard, logger);
  app.post('/', (c, next) => (isScalingCall(c) ? scaling.fetch(c.req.raw, c.env) : next()));
  app.route('/', ecsRouter(deps.ctx, guard, logger));
  return app;
}
