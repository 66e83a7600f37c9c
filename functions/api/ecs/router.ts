import { Hono, type Context } from 'hono';
import type { ControlContext } from '#shared/control/context.ts';
import type { RequestGuard } from '../guard.ts';
import { accept, admitted, answerErrors, type EnvelopeEnv } from '../envelope.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import { attributeOperations } from './attributes.ts';
import { callerOf } from './caller.ts';
import { clusterOperations } from './clusters.ts';
import { containerInstanceOperations } from './container-instances.ts';
import { ProtocolError } from './errors.ts';
import { AWS_JSON, parseJsonBody } from '../respond.ts';
import type { Operation } from './operation.ts';
import { admitMembers } from './model/member-gate.ts';
import { taskDefinitionOperations } from './task-definitions.ts';
import { taskOperations } from './tasks.ts';
import { serviceOperations } from './services.ts';
import { startTaskOperations } from './start-task.ts';
import { taskProtectionOperations } from './task-protection.ts';
import { serviceRevisionOperations } from './service-revisions.ts';
import { continueDeploymentOperations } from './continue-deployment.ts';
import { settingsAndCleanupOperations } from './settings-and-cleanup.ts';
import { tagOperations } from './tags.ts';
import { taskSetOperations } from './task-sets.ts';
import { capacityProviderOperations } from './capacity-providers.ts';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

export const ecsOperations: Record<string, Operation> = {
  ...clusterOperations,
  ...taskDefinitionOperations,
  ...taskOperations,
  ...containerInstanceOperations,
  ...attributeOperations,
  ...serviceOperations,
  ...startTaskOperations,
  ...taskProtectionOperations,
  ...serviceRevisionOperations,
  ...continueDeploymentOperations,
  ...settingsAndCleanupOperations,
  ...tagOperations,
  ...taskSetOperations,
  ...capacityProviderOperations,
};

/** The action a call is admitted for; the signature is checked even for an operation Berth does not know. */
function ecsAction(c: Context): string {
  const target = c.req.header('x-amz-target') ?? '';
  const name = operationName(target);
  return name !== undefined ? `ecs:${name}` : `unknown:${target}`;
}

function operationName(target: string): string | undefined {
  return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
}

/**
 * The ECS endpoint: AWS JSON 1.1, every operation a POST to `/` named by the
 * X-Amz-Target header. Bodies are validated by the operation's schema before
 * anything runs, so a bad request never writes. The signature is verified
 * (the envelope) before the operation is looked up: every refused call
 * reaches the audit log.
 */
export function ecsRouter(ctx: ControlContext, guard: RequestGuard, logger: Logger): Hono<EnvelopeEnv> {
  const app = new Hono<EnvelopeEnv>();
  app.onError(answerErrors(logger, (c) => `ecs request ${c.req.header('x-amz-target') ?? ''}`));
  app.post('/', admitted(guard, ecsAction), async (c) => {
    const target = c.req.header('x-amz-target') ?? '';
    const name = operationName(target);
    const op = name !== undefined && Object.hasOwn(ecsOperations, name) ? ecsOperations[name] : undefined;
    if (!op) throw new ProtocolError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}`);
    const input = await accept(c, op.schema, admitMembers(name ?? '', op.schema, parseJsonBody(c.get('raw'))));
    const result = await op.run(ctx, input, callerOf(c, ctx.deployment));
    return c.body(JSON.stringify(result), 200, { 'content-type': AWS_JSON });
  });
  return app;
}
