import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import type { ControlContext } from '../../../shared/control/context.ts';
import type { Admission, RequestGuard } from '../guard.ts';
import type { Logger } from '../../runtime/logger.ts';
import { attributeOperations } from './attributes.ts';
import { clusterOperations } from './clusters.ts';
import { containerInstanceOperations } from './container-instances.ts';
import { fromSchemaError, ProtocolError } from './errors.ts';
import { AWS_JSON, parseJsonBody, respondWithEcsError } from '../respond.ts';
import type { Operation } from './operation.ts';
import { taskDefinitionOperations } from './task-definitions.ts';
import { taskOperations } from './tasks.ts';
import { serviceOperations } from './services.ts';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

export const ecsOperations: Record<string, Operation> = {
  ...clusterOperations,
  ...taskDefinitionOperations,
  ...taskOperations,
  ...containerInstanceOperations,
  ...attributeOperations,
  ...serviceOperations,
};

/**
 * The ECS endpoint: AWS JSON 1.1, every operation a POST to `/` named by the
 * X-Amz-Target header. Bodies are validated by the operation's schema before
 * anything runs, so a bad request never writes.
 */
export function ecsRouter(ctx: ControlContext, guard: RequestGuard, logger: Logger): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const requestId = randomUUID();
    c.header('x-amzn-RequestId', requestId);
    const target = c.req.header('x-amz-target') ?? '';
    let admission: Admission | undefined;
    try {
      const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
      const op = name !== undefined && Object.hasOwn(ecsOperations, name) ? ecsOperations[name] : undefined;
      const raw = new Uint8Array(await c.req.arrayBuffer());
      // The signature first, even for an operation Berth does not know: every refused call reaches the audit log.
      admission = await guard.admit(c, { action: name !== undefined ? `ecs:${name}` : `unknown:${target}`, body: raw, requestId });
      if (!op || name === undefined) {
        throw new ProtocolError('UnknownOperationException', `Unknown operation ${JSON.stringify(target)}`);
      }
      const parsed = op.schema.safeParse(parseJsonBody(raw));
      if (!parsed.success) throw fromSchemaError(parsed.error);
      await admission.authorize(parsed.data);
      const result = await op.run(ctx, parsed.data);
      await admission.settle();
      return c.body(JSON.stringify(result), 200, { 'content-type': AWS_JSON });
    } catch (error) {
      await admission?.settle(error);
      return respondWithEcsError(c, error, { requestId, logger, what: `ecs request ${target}` });
    }
  });
  return app;
}
