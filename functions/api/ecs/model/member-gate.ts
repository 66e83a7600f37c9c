import * as z from 'zod';
import { ClientError, InvalidParameterError, type BerthError } from '#shared/domain/errors.ts';
import { fromSchemaError } from '../errors.ts';
import { asksNothing, type RefusalError } from './answer.ts';
import { declaredAnswers } from './answers.ts';
import { schemaPaths } from './zod-paths.ts';

const DROP = Symbol('drop');

/**
 * Applies the declared answers of an operation's request members before its
 * schema runs: a member Berth refuses is answered with its ECS error, a
 * member not yet supported is validated and then refused, and either one,
 * when it asks for nothing (`[]`, `false`, as ECS exports them), is left out
 * so the strict schema accepts the rest. Members the schema declares pass
 * through untouched; keys outside the model are left for the schema to
 * refuse. Answers a pruned copy; the body itself is not changed.
 */
export function admitMembers(operation: string, schema: z.ZodType, body: unknown): unknown {
  const table = declaredAnswers[operation];
  if (!table) return body;
  const known = schemaPaths(schema);

  const visit = (value: unknown, path: string): unknown => {
    const answer = path !== '' && !known.has(path) ? table[path] : undefined;
    if (answer?.answer === 'refused') {
      if ((answer.accepts ?? asksNothing)(value)) return DROP;
      throw refusal(answer.error);
    }
    if (answer?.answer === 'not-yet') {
      const parsed = answer.shape.safeParse(value);
      if (!parsed.success) throw memberSchemaError(path, parsed.error);
      if (asksNothing(value)) return DROP;
      throw refusal(answer.error);
    }
    if (Array.isArray(value)) return value.map((element) => visit(element, `${path}[]`));
    // Walking into a map member (dockerLabels, options) is harmless: its keys
    // are the user's, never a declared member path. Not reading the model
    // here keeps its 100 KB member list out of the api bundle.
    if (value === null || typeof value !== 'object') return value;
    const kept: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const next = visit(member, path === '' ? key : `${path}.${key}`);
      if (next !== DROP) kept[key] = next;
    }
    return kept;
  };
  return visit(body, '');
}

function refusal(error: RefusalError): BerthError {
  return error.type === 'ClientException' ? new ClientError(error.message) : new InvalidParameterError(error.message);
}

/** The member's own validation error, its path spelt from the request's top. */
function memberSchemaError(path: string, error: z.ZodError): BerthError {
  const prefix = path.replaceAll('[]', '').split('.');
  return fromSchemaError(new z.ZodError(error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }))));
}
