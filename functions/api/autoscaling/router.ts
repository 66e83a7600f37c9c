import { Hono, type Context } from 'hono';
import type * as z from 'zod';
import type { ControlContext } from '#shared/control/context.ts';
import { ScalingError } from '#shared/control/scaling-errors.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import { admitted, answerErrors, type EnvelopeEnv } from '../envelope.ts';
import type { RequestGuard } from '../guard.ts';
import { AWS_JSON, parseJsonBody } from '../respond.ts';
import { callerOf } from '../ecs/caller.ts';
import type { EcsErrorShape } from '../ecs/errors.ts';
import { ProtocolError } from '../ecs/errors.ts';
import { scalingOperations } from './operations.ts';

/** Application Auto Scaling's target prefix; its calls share Berth's one endpoint with ECS's. */
export const SCALING_TARGET_PREFIX = 'AnyScaleFrontendService.';

export function isScalingCall(c: Context): boolean {
  return (c.req.header('x-amz-target') ?? '').startsWith(SCALING_TARGET_PREFIX);
}

function operationName(c: Context): string {
  return (c.req.header('x-amz-target') ?? '').slice(SCALING_TARGET_PREFIX.length);
}

/** Policies name these calls `application-autoscaling:<Operation>`, as IAM does. */
function scalingAction(c: Context): string {
  return `application-autoscaling:${operationName(c)}`;
}

function ownErrors(error: unknown): EcsErrorShape | undefined {
  return error instanceof ScalingError ? { type: error.code, status: 400, message: error.message } : undefined;
}

/** A request that fails its schema, in Application Auto Scaling's words: a ValidationException naming the member. */
function validationError(error: z.ZodError): ScalingError {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(request)';
  if (issue?.code === 'unrecognized_keys') {
    return new ScalingError('ValidationException', `Unknown member(s) ${issue.keys.join(', ')} at ${path}`);
  }
  const count = error.issues.length;
  return new ScalingError(
    'ValidationException',
    `${count} validation error${count === 1 ? '' : 's'} detected: Value at '${path}' failed to satisfy constraint: ${issue?.message ?? 'invalid'}`,
  );
}

/**
 * Application Auto Scaling (AWS JSON 1.1, `AnyScaleFrontendService.<Op>`,
 * signed for `application-autoscaling`) for the `ecs` namespace. The same
 * envelope as ECS: signature first, schema next, authorisation on the
 * validated input, then the operation.
 */
export function scalingRouter(ctx: ControlContext, guard: RequestGuard, logger: Logger): Hono<EnvelopeEnv> {
  const app = new Hono<EnvelopeEnv>();
  app.onError(
    answerErrors(logger, (c) => `application-autoscaling request ${c.req.header('x-amz-target') ?? ''}`, ownErrors),
  );
  app.post('/', admitted(guard, scalingAction), async (c) => {
    const name = operationName(c);
    const op = Object.hasOwn(scalingOperations, name) ? scalingOperations[name] : undefined;
    if (!op)
      throw new ProtocolError(
        'UnknownOperationException',
        `Unknown operation ${JSON.stringify(c.req.header('x-amz-target'))}`,
      );
    const parsed = op.schema.safeParse(parseJsonBody(c.get('raw')));
    if (!parsed.success) throw validationError(parsed.error);
    await c.get('admission').authorize(parsed.data);
    const result = await op.run(ctx, parsed.data, callerOf(c, ctx.deployment));
    return c.body(JSON.stringify(result), 200, { 'content-type': AWS_JSON });
  });
  return app;
}
