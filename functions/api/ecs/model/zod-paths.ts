import type { z } from 'zod';

/**
 * The member paths a request schema accepts, in the model list's notation
 * (`a.b[].c`; `[]` a list element, `{}` a map value). This is how Berth's
 * answer `supported` is derived: a member the operation's schema declares is
 * one Berth honours, so operations added to the router are covered without
 * editing the answer table.
 */
export function schemaPaths(schema: z.ZodType): ReadonlySet<string> {
  const cached = cache.get(schema);
  if (cached) return cached;
  const paths = new Set<string>();
  collect(schema, '', paths, 0);
  cache.set(schema, paths);
  return paths;
}

const cache = new WeakMap<z.ZodType, ReadonlySet<string>>();

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly getter?: () => z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

// Deep enough for every ECS request; a bound keeps a recursive lazy schema finite.
const MAX_DEPTH = 16;

function collect(schema: z.ZodType, path: string, out: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const def = defOf(schema);
  const next = (inner: z.ZodType | undefined, at: string): void => {
    if (inner) collect(inner, at, out, depth + 1);
  };
  switch (def.type) {
    case 'object':
      for (const [key, value] of Object.entries(def.shape ?? {})) {
        const at = path === '' ? key : `${path}.${key}`;
        out.add(at);
        next(value, at);
      }
      return;
    case 'array':
      out.add(`${path}[]`);
      return next(def.element, `${path}[]`);
    case 'record':
      out.add(`${path}{}`);
      return next(def.valueType, `${path}{}`);
    case 'union':
      return def.options?.forEach((option) => next(option, path));
    case 'intersection':
      next(def.left, path);
      return next(def.right, path);
    case 'lazy':
      return next(def.getter?.(), path);
    case 'pipe':
      return next(def.in, path);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return next(def.innerType, path);
    default:
      return;
  }
}
