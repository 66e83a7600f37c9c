import type { z } from 'zod';
import type { ControlContext } from '#shared/control/context.ts';

/** Who made an admitted call: the principal ARN of the access key that signed it. */
export interface Caller {
  readonly principalArn?: string;
}

/** One ECS operation: the schema of its request and what it does. */
export interface Operation {
  readonly schema: z.ZodType;
  run(ctx: ControlContext, input: unknown, caller?: Caller): Promise<unknown>;
}

export function operation<S extends z.ZodType>(
  schema: S,
  run: (ctx: ControlContext, input: z.infer<S>, caller: Caller) => Promise<unknown>,
): Operation {
  return { schema, run: (ctx, input, caller) => run(ctx, input as z.infer<S>, caller ?? {}) };
}
