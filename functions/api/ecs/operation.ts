import type { z } from 'zod';
import type { ControlContext } from '#shared/control/context.ts';

/** One ECS operation: the schema of its request and what it does. */
export interface Operation {
  readonly schema: z.ZodType;
  run(ctx: ControlContext, input: unknown): Promise<unknown>;
}

export function operation<S extends z.ZodType>(
  schema: S,
  run: (ctx: ControlContext, input: z.infer<S>) => Promise<unknown>,
): Operation {
  return { schema, run: (ctx, input) => run(ctx, input as z.infer<S>) };
}
