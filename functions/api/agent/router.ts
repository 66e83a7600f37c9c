import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import * as agent from '#shared/control/agent-api.ts';
import { AgentError } from '#shared/domain/errors.ts';
import { requireActiveCluster } from '#shared/control/clusters.ts';
import type { ControlContext } from '#shared/control/context.ts';
import { foreignInstances } from '#shared/control/foreign-instances.ts';
import { registerInstance } from '#shared/control/instances.ts';
import { arns } from '#shared/domain/arn.ts';
import { VersionConflictError } from '#shared/domain/errors.ts';
import {
  foreignInstancesRequest,
  pollRequest,
  registerInstanceRequest,
  taskStateReport,
  taskStateReports,
} from '#shared/schemas/agent-api.ts';
import type { RegistrationAnswer, RotationAnswer } from '#shared/security/agent-credentials.ts';
import {
  AGENT_ACCESS_VARIABLE,
  AgentCredentialError,
  type AgentAccess,
} from '#shared/security/agent-credentials-access.ts';
import type { SecretSource } from '#shared/security/secret-api.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import { BadAgentRequest, parse } from './parse-body.ts';
import { agentProtectionRouter } from './protection-router.ts';
import { agentSecretsRouter } from './secrets-router.ts';
import type { RequestGuard } from '../guard.ts';
import { toEcsError } from '../ecs/errors.ts';

type AgentEnv = { Variables: { [AGENT_ACCESS_VARIABLE]?: AgentAccess } };

/**
 * The agent's API under /agent/v1. Plain JSON; errors are `{ code, message }`
 * with a meaningful status: 401 for a missing or bad credential, 403 for a
 * credential used for another instance, 409 InstanceFenced tells a stale
 * agent to re-register, 404 that its instance is gone.
 *
 * The guard authenticates the bearer credential and leaves an AgentAccess;
 * every route authorises the instance it acts for against it, so the
 * instance comes from the credential, never from the request alone. Under a
 * guard that leaves none (the open guard of in-process tests) the instance
 * is taken from the request and no credentials are issued.
 */
export function agentRouter(
  ctx: ControlContext,
  guard: RequestGuard,
  logger: Logger,
  secrets?: SecretSource,
): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();
  app.use(async (c, next) => {
    await guard.checkAgent(c);
    await next();
    // The route's error was answered already (c.error); a refusal among them is an attack signal for the audit log.
    if (c.error) await c.get(AGENT_ACCESS_VARIABLE)?.refused(c.error);
  });
  app.onError((error, c) => respondWithError(c, error, logger));
  const accessOf = (c: Context<AgentEnv>): AgentAccess | undefined => c.get(AGENT_ACCESS_VARIABLE);

  app.post('/clusters/:cluster/instances', async (c) => {
    const body = await parse(c, registerInstanceRequest);
    const access = accessOf(c);
    // The cluster is checked before a registration token is spent on it.
    const cluster = (await requireActiveCluster(ctx, c.req.param('cluster'))).value.clusterName;
    const admission = await access?.admitRegistration(cluster, body.instanceId);
    const { value } = await registerInstance(ctx, cluster, body);
    const credential = await admission?.issue(value.id);
    const answer: RegistrationAnswer = {
      instanceId: value.id,
      containerInstanceArn: arns.containerInstance(ctx.deployment, value.clusterName, value.id),
      epoch: value.epoch,
      pollIntervalSeconds: ctx.settings.pollIntervalSeconds,
      ...(credential !== undefined && { credential }),
    };
    c.header('cache-control', 'no-store');
    return c.json(answer);
  });

  app.post('/clusters/:cluster/instances/:id/credentials', async (c) => {
    const access = accessOf(c);
    if (!access) throw new BadAgentRequest('This control plane issues no agent credentials');
    const answer: RotationAnswer = { credential: await access.rotate(c.req.param('cluster'), c.req.param('id')) };
    c.header('cache-control', 'no-store');
    return c.json(answer);
  });

  app.post('/clusters/:cluster/instances/:id/poll', async (c) => {
    accessOf(c)?.authorizeInstance(c.req.param('cluster'), c.req.param('id'));
    const body = await parse(c, pollRequest);
    return c.json(
      await agent.poll(ctx, c.req.param('cluster'), c.req.param('id'), body.epoch, body.knownVersion, {
        ...(body.waitSeconds !== undefined && { waitMs: body.waitSeconds * 1000 }),
        ...(body.withSpecs !== undefined && { withSpecs: body.withSpecs }),
        ...(body.engineStatus !== undefined && { engineStatus: body.engineStatus }),
        ...(body.metrics !== undefined && { metrics: body.metrics }),
        ...(body.dnsSerial !== undefined && { dnsSerial: body.dnsSerial }),
      }),
    );
  });

  app.post('/clusters/:cluster/instances/:id/foreign-instances', async (c) => {
    accessOf(c)?.authorizeInstance(c.req.param('cluster'), c.req.param('id'));
    const body = await parse(c, foreignInstancesRequest);
    return c.json(await foreignInstances(ctx, c.req.param('cluster'), c.req.param('id'), body.epoch, body.instanceIds));
  });

  app.post('/clusters/:cluster/instances/:id/reports', async (c) => {
    accessOf(c)?.authorizeInstance(c.req.param('cluster'), c.req.param('id'));
    const body = await parse(c, taskStateReports);
    if (body.instanceId !== c.req.param('id')) {
      throw new BadAgentRequest(`instanceId ${body.instanceId} does not match the instance in the path`);
    }
    return c.json(await agent.reportTaskStates(ctx, c.req.param('cluster'), body));
  });

  app.get('/clusters/:cluster/tasks/:taskId', async (c) => {
    const named = c.req.query('instanceId') ?? c.req.header('x-berth-instance-id');
    const access = accessOf(c);
    if (access && named !== undefined) access.authorizeInstance(c.req.param('cluster'), named);
    const instanceId = access ? access.instanceFor(c.req.param('cluster')) : named;
    if (instanceId === undefined) {
      throw new AgentError(403, 'TaskNotAssigned', 'Name the asking instance with ?instanceId=');
    }
    return c.json(await agent.taskSpec(ctx, c.req.param('cluster'), instanceId, c.req.param('taskId')));
  });

  app.post('/clusters/:cluster/tasks/:taskId/state', async (c) => {
    const body = await parse(c, taskStateReport);
    accessOf(c)?.authorizeInstance(c.req.param('cluster'), body.instanceId);
    return c.json(await agent.reportTaskState(ctx, c.req.param('cluster'), c.req.param('taskId'), body));
  });

  app.route('/', agentProtectionRouter(ctx));
  if (secrets) app.route('/', agentSecretsRouter(ctx, secrets, logger));
  return app;
}

function respondWithError(c: Context, error: unknown, logger: Logger): Response {
  if (error instanceof AgentCredentialError) {
    c.header('www-authenticate', `Bearer realm="berth-agent", error="invalid_token"`);
    return c.json({ code: error.code, message: error.message }, error.status);
  }
  if (error instanceof AgentError) return c.json({ code: error.code, message: error.message }, error.status);
  if (error instanceof BadAgentRequest) return c.json({ code: 'BadRequest', message: error.message }, 400);
  // Lost races that ran out of retries: the agent's request is sound and worth sending again.
  if (error instanceof VersionConflictError) {
    c.header('retry-after', '1');
    return c.json({ code: 'Conflict', message: 'The instance or task changed concurrently; retry' }, 503);
  }
  const ecs = toEcsError(error);
  if (ecs) return c.json({ code: ecs.type, message: ecs.message }, ecs.status);
  logger.error('agent request failed', { path: c.req.path, error });
  return c.json({ code: 'InternalError', message: 'Internal error' }, 500);
}
