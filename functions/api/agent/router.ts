import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import * as agent from '../../../shared/control/agent.ts';
import { AgentError } from '../../../shared/control/agent-errors.ts';
import type { ControlContext } from '../../../shared/control/context.ts';
import { registerInstance } from '../../../shared/control/instances.ts';
import { arns } from '../../../shared/domain/arn.ts';
import { pollRequest, registerInstanceRequest, taskStateReport } from '../../../shared/schemas/agent-api.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { RequestGuard } from '../guard.ts';
import { toEcsError } from '../ecs/errors.ts';

/**
 * The agent's API under /agent/v1. Plain JSON; errors are `{ code, message }`
 * with a meaningful status: 409 InstanceFenced tells a stale agent to
 * re-register, 404 that its instance is gone.
 */
export function agentRouter(ctx: ControlContext, guard: RequestGuard, logger: Logger): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await guard.checkAgent(c);
    await next();
  });
  app.onError((error, c) => respondWithError(c, error, logger));

  app.post('/clusters/:cluster/instances', async (c) => {
    const body = await parse(c, registerInstanceRequest);
    const { value, version: _version } = await registerInstance(ctx, c.req.param('cluster'), body);
    return c.json({
      instanceId: value.id,
      containerInstanceArn: arns.containerInstance(ctx.deployment, value.clusterName, value.id),
      epoch: value.epoch,
      pollIntervalSeconds: ctx.settings.pollIntervalSeconds,
    });
  });

  app.post('/clusters/:cluster/instances/:id/poll', async (c) => {
    const body = await parse(c, pollRequest);
    return c.json(await agent.poll(ctx, c.req.param('cluster'), c.req.param('id'), body.epoch, body.knownVersion));
  });

  app.get('/clusters/:cluster/tasks/:taskId', async (c) => {
    const instanceId = c.req.query('instanceId') ?? c.req.header('x-berth-instance-id');
    if (instanceId === undefined) {
      throw new AgentError(403, 'TaskNotAssigned', 'Name the asking instance with ?instanceId=');
    }
    return c.json(await agent.taskSpec(ctx, c.req.param('cluster'), instanceId, c.req.param('taskId')));
  });

  app.post('/clusters/:cluster/tasks/:taskId/state', async (c) => {
    const body = await parse(c, taskStateReport);
    return c.json(await agent.reportTaskState(ctx, c.req.param('cluster'), c.req.param('taskId'), body));
  });

  return app;
}

class BadAgentRequest extends Error {
  override readonly name = 'BadAgentRequest';
}

async function parse<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new BadAgentRequest('The request body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadAgentRequest(`${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function respondWithError(c: Context, error: unknown, logger: Logger): Response {
  if (error instanceof AgentError) return c.json({ code: error.code, message: error.message }, error.status);
  if (error instanceof BadAgentRequest) return c.json({ code: 'BadRequest', message: error.message }, 400);
  const ecs = toEcsError(error);
  if (ecs) return c.json({ code: ecs.type, message: ecs.message }, ecs.status);
  logger.error('agent request failed', { path: c.req.path, error });
  return c.json({ code: 'InternalError', message: 'Internal error' }, 500);
}
