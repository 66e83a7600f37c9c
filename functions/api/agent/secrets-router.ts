import { Hono, type Context } from 'hono';
import { AgentError } from '#shared/domain/errors.ts';
import type { ControlContext } from '#shared/control/context.ts';
import {
  AGENT_ACCESS_VARIABLE,
  AgentCredentialError,
  type AgentAccess,
} from '#shared/security/agent-credentials-access.ts';
import type { SecretSource } from '#shared/security/secret-api.ts';
import { taskSecrets } from '#shared/control/secret-delivery.ts';
import { silentLogger, type Logger } from '#functions/runtime/logger.ts';
import { toEcsError } from '../ecs/errors.ts';

type AgentEnv = { Variables: { [AGENT_ACCESS_VARIABLE]?: AgentAccess } };

/**
 * GET /clusters/{cluster}/tasks/{taskId}/secrets: the values of the
 * Berth-stored secrets one task needs, answered only to the instance the
 * task is assigned to. Mounted inside the agent API, behind its guard: the
 * asking instance comes from the caller's credential, as for the task spec
 * (from `?instanceId=` only under a guard that issues no credentials).
 * Nothing here logs a value: errors name the task and instance.
 */
export function agentSecretsRouter(
  ctx: ControlContext,
  secrets: SecretSource,
  logger: Logger = silentLogger,
): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();
  app.onError((error, c) => respondWithError(c, error, logger));
  app.get('/clusters/:cluster/tasks/:taskId/secrets', async (c) => {
    const cluster = c.req.param('cluster');
    const named = c.req.query('instanceId') ?? c.req.header('x-berth-instance-id');
    const access = c.get(AGENT_ACCESS_VARIABLE);
    if (access && named !== undefined) access.authorizeInstance(cluster, named);
    const instanceId = access ? access.instanceFor(cluster) : named;
    if (instanceId === undefined) {
      throw new AgentError(403, 'TaskNotAssigned', 'Name the asking instance with ?instanceId=');
    }
    // The answer carries secrets: nothing on the way may keep a copy.
    c.header('cache-control', 'no-store');
    return c.json(await taskSecrets(ctx, secrets, cluster, instanceId, c.req.param('taskId')));
  });
  return app;
}

function respondWithError(c: Context, error: unknown, logger: Logger): Response {
  if (error instanceof AgentCredentialError) return c.json({ code: error.code, message: error.message }, error.status);
  if (error instanceof AgentError) return c.json({ code: error.code, message: error.message }, error.status);
  const ecs = toEcsError(error);
  if (ecs) return c.json({ code: ecs.type, message: ecs.message }, ecs.status);
  // The message only, not the error object with whatever it holds on to.
  logger.error('agent secrets request failed', {
    path: c.req.path,
    message: error instanceof Error ? error.message : 'unknown',
  });
  return c.json({ code: 'InternalError', message: 'Internal error' }, 500);
}
