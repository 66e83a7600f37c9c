import { Hono } from 'hono';
import type { Deployment } from '#shared/domain/arn.ts';
import type { LogStore } from '#shared/ports/log-store.ts';
import type { RequestGuard } from '../api/guard.ts';
import { agentLogsRouter } from '../logs/agent-logs-router.ts';
import { isLogsCall, logsRouter } from '../logs/router.ts';
import { createDevLogStore } from './dev-log-store.ts';
import type { Logger } from './logger.ts';

export interface DevLogsOptions {
  /** How long events are kept; 7 days by default. */
  readonly retentionDays?: number;
  /** The most MiB of messages kept over all groups; 64 by default. */
  readonly maxMiB?: number;
  /** How long a FilterLogEvents follow-up waits for new events (shared/control/log-queries.ts); 2 s by default. */
  readonly holdMs?: number;
}

export const DEFAULT_LOGS_HOLD_MS = 2_000;

/**
 * Dev mode's container logs in front of the api: the agent's log intake
 * (`/agent/v1/.../logs`) and the CloudWatch Logs subset (`Logs_20140328.*`
 * on `/`), over one in-memory log store. Everything else goes to the api.
 * Kept out of the api Lambda: in AWS, CloudWatch Logs is the store.
 */
export function withDevLogs(
  api: Hono,
  deps: { guard: RequestGuard; logger: Logger; deployment: Deployment; options?: DevLogsOptions },
): { app: Hono; store: LogStore } {
  const options = deps.options ?? {};
  const store = createDevLogStore({
    ...(options.retentionDays !== undefined && { retentionMs: options.retentionDays * 86_400_000 }),
    ...(options.maxMiB !== undefined && { maxBytes: options.maxMiB * 1024 * 1024 }),
  });
  const logs = logsRouter(
    { store, deployment: deps.deployment, holdMs: options.holdMs ?? DEFAULT_LOGS_HOLD_MS },
    deps.guard,
    deps.logger,
  );
  const app = new Hono();
  app.route('/agent/v1', agentLogsRouter(store, deps.guard, deps.logger));
  app.post('/', (c, next) => (isLogsCall(c) ? logs.fetch(c.req.raw, c.env) : next()));
  app.all('*', (c) => api.fetch(c.req.raw, c.env));
  return { app, store };
}
