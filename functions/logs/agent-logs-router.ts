import { Hono, type Context } from 'hono';
import type { LogStore } from '#shared/ports/log-store.ts';
import { logBatches } from '#shared/schemas/logs-requests.ts';
import {
  AGENT_ACCESS_VARIABLE,
  AgentCredentialError,
  type AgentAccess,
} from '#shared/security/agent-credentials-access.ts';
import type { RequestGuard } from '#functions/api/guard.ts';
import type { Logger } from '#functions/runtime/logger.ts';

type AgentEnv = { Variables: { [AGENT_ACCESS_VARIABLE]?: AgentAccess } };

/**
 * POST /agent/v1/clusters/{cluster}/instances/{id}/logs: container output
 * an agent ships, into dev mode's log store. Authenticated as the agent API
 * is (the instance's credential, for that instance); the body is bounded
 * by the server's body limit and the batch schema.
 */
export function agentLogsRouter(store: LogStore, guard: RequestGuard, logger: Logger): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();
  app.onError((error, c) => {
    if (error instanceof AgentCredentialError)
      return c.json({ code: error.code, message: error.message }, error.status);
    logger.error('log intake failed', { path: c.req.path, error });
    return c.json({ code: 'InternalError', message: 'Internal error' }, 500);
  });
  app.post('/clusters/:cluster/instances/:id/logs', async (c: Context<AgentEnv>) => {
    await guard.checkAgent(c);
    c.get(AGENT_ACCESS_VARIABLE)?.authorizeInstance(c.req.param('cluster') ?? '', c.req.param('id') ?? '');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ code: 'BadRequest', message: 'The request body is not valid JSON' }, 400);
    }
    const parsed = logBatches.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return c.json({ code: 'BadRequest', message: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}` }, 400);
    }
    let events = 0;
    for (const batch of parsed.data.batches) {
      store.put(batch.logGroupName, batch.logStreamName, batch.events);
      events += batch.events.length;
    }
    return c.json({ accepted: events });
  });
  return app;
}
