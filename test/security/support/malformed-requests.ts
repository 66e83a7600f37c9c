import fc from 'fast-check';
import * as z from 'zod';

/**
 * Malformed ECS requests, derived from each operation's own schema: every
 * field the schema (as JSON Schema) names gets a value of the wrong type,
 * plus unknown fields, truncated bodies, non-JSON bytes and random JSON.
 */
export type JsonSchema = { [key: string]: unknown };
export interface FieldPath {
  readonly path: readonly (string | number)[];
  readonly schema: JsonSchema;
}

const jsonSchemaNode = z.looseObject({
  type: z.union([z.string(), z.array(z.string())]).optional(),
  properties: z.record(z.string(), z.looseObject({})).optional(),
  items: z.looseObject({}).optional(),
  anyOf: z.array(z.looseObject({})).optional(),
  oneOf: z.array(z.looseObject({})).optional(),
  enum: z.array(z.unknown()).optional(),
});

/** Every field reachable in a schema: object properties, array items (as index 0), union members. */
export function fieldPaths(schema: JsonSchema, path: (string | number)[] = [], depth = 0): FieldPath[] {
  const node = jsonSchemaNode.safeParse(schema);
  if (!node.success || depth > 8) return [];
  const found: FieldPath[] = path.length > 0 ? [{ path, schema }] : [];
  for (const [name, child] of Object.entries(node.data.properties ?? {}))
    found.push(...fieldPaths(child, [...path, name], depth + 1));
  if (node.data.items) found.push(...fieldPaths(node.data.items, [...path, 0], depth + 1));
  for (const member of [...(node.data.anyOf ?? []), ...(node.data.oneOf ?? [])])
    found.push(...fieldPaths(member, path, depth + 1).filter((f) => f.path.length > path.length));
  return found;
}

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}

const anyString = fc.string({ maxLength: 40 });
const byType: Record<string, fc.Arbitrary<unknown>> = {
  string: fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant({}),
    fc.array(anyString, { maxLength: 3 }),
  ),
  integer: fc.oneof(
    anyString,
    fc.boolean(),
    fc.constant(null),
    fc.double({ noInteger: true }),
    fc.constant([1]),
    fc.constant(1e308),
  ),
  number: fc.oneof(anyString, fc.boolean(), fc.constant(null), fc.constant({ n: 1 })),
  boolean: fc.oneof(anyString, fc.integer(), fc.constant(null), fc.constant([])),
  array: fc.oneof(anyString, fc.integer(), fc.constant({}), fc.constant(null)),
  object: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), anyString, fc.integer(), fc.constant(null)),
};

/** A value that the field's schema must refuse (or, for enums, a string outside the enum). */
export function wrongValue(field: FieldPath): fc.Arbitrary<unknown> {
  const node = jsonSchemaNode.safeParse(field.schema);
  const type = node.success ? node.data.type : undefined;
  const first = Array.isArray(type) ? type[0] : type;
  if (node.success && node.data.enum)
    return fc.oneof(
      anyString.filter((s) => !node.data.enum?.includes(s)),
      fc.integer(),
    );
  return (
    (first !== undefined ? byType[first] : undefined) ??
    fc.oneof(fc.constant(Symbol.for('absent').description), fc.integer())
  );
}

/** Builds an object with `value` at `path`, creating objects and arrays on the way. */
export function setAt(path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const inner = setAt(rest, value);
  return typeof head === 'number' ? [inner] : { [String(head)]: inner };
}

/** Nesting deep enough to trouble a recursive parser. */
export const deepNesting = fc.integer({ min: 100, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
