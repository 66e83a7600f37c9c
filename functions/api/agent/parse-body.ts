import type { Context } from 'hono';
import type { z } from 'zod';

/** A malformed agent request: answered 400 `BadRequest` by the agent API. */
export class BadAgentRequest extends Error {
  override readonly name = 'BadAgentRequest';
}

/** The request's JSON body, checked against `schema`; BadAgentRequest naming the first bad member otherwise. */
export async function parse<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
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
