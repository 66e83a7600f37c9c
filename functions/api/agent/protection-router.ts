import { Hono, type Context } from 'hono';
import { agentTaskProtection } from '#shared/control/agent-task-protection.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { AgentError } from '#shared/domain/errors.ts';
import { agentProtectionChange } from '#shared/schemas/agent-task-protection.ts';
import { parse } from './parse-body.ts';
import { AGENT_ACCESS_VARIABLE, type AgentAccess } from '#shared/security/agent-credentials-access.ts';

type AgentEnv = { Variables: { [AGENT_ACCESS_VARIABLE]?: AgentAccess } };

/**
 * GET and PUT /clusters/{cluster}/tasks/{taskId}/protection: what a task's
 * containers ask at ECS_AGENT_URI, relayed by their agent. Mounted inside
 * the agent API, behind its guard and error answers; the asking instance
 * comes from the caller's credential, as for the task spec.
 */
export function agentProtectionRouter(ctx: ControlContext): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();
  const path = '/clusters/:cluster/tasks/:taskId/protection';
  app.get(path, async (c) => c.json(await answer(ctx, c)));
  app.put(path, async (c) => {
    return c.json(await answer(ctx, c, await parse(c, agentProtectionChange)));
  });
  return app;
}

function answer(ctx: ControlContext, c: Context<AgentEnv>, change?: Parameters<typeof agentTaskProtection>[4]) {
  const cluster = c.req.param('cluster') ?? '';
  const named = c.req.query('instanceId') ?? c.req.header('x-berth-instance-id');
  const access = c.get(AGENT_ACCESS_VARIABLE);
  if (access && named !== undefined) access.authorizeInstance(cluster, named);
  const instanceId = access ? access.instanceFor(cluster) : named;
  if (instanceId === undefined)
    throw new AgentError(403, 'TaskNotAssigned', 'Name the asking instance with ?instanceId=');
  return agentTaskProtection(ctx, cluster, instanceId, c.req.param('taskId') ?? '', change);
}
