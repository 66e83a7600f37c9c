/**
 * Reads the ECS service model that @aws-sdk/client-ecs carries (its static
 * schemas, the newest model in the repository) and writes every operation's
 * request members, recursively, to shared/schemas/ecs-model/members.json.
 *
 *   npx tsx bin/ecs-model.ts          # rewrite the checked-in list
 *
 * Run it after upgrading @aws-sdk/client-ecs; test/unit/bin/ecs-model.test.ts
 * fails while the checked-in list differs from what this script reads.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** One request member: its path (`a.b[].c`; `[]` a list element, `{}` a map value), type and whether the model requires it. */
export interface ModelMember {
  readonly path: string;
  readonly type: MemberType;
  readonly required?: true;
}
export type MemberType =
  'string' | 'number' | 'boolean' | 'timestamp' | 'document' | 'structure' | 'union' | 'list' | 'map';

export interface EcsModel {
  readonly source: string;
  readonly operations: Record<string, { readonly input: string; readonly members: readonly ModelMember[] }>;
}

export const MEMBERS_FILE = fileURLToPath(new URL('../shared/schemas/ecs-model/members.json', import.meta.url));

// The static schema format of @smithy/core/schema: numbers are simple types
// (0 string, 1 number, 2 boolean, 4 timestamp, 15 document; 64|t a list of t,
// 128|t a map of t); arrays are [kind, namespace, name, traits, ...] with kind
// 1 list, 2 map, 3 structure, 4 union, 9 operation; a member with traits is
// [schema, traits]; forward references are thunks.
type Schema = number | readonly unknown[] | (() => Schema);

const simple: Record<number, MemberType> = { 0: 'string', 1: 'number', 2: 'boolean', 4: 'timestamp', 15: 'document' };

function resolve(schema: unknown): Schema {
  let s = schema;
  while (typeof s === 'function') s = (s as () => unknown)();
  if (Array.isArray(s) && (typeof s[0] === 'function' || (s.length === 2 && typeof s[0] === 'number')))
    return resolve(s[0]);
  return s as Schema;
}

function walk(schema: unknown, path: string, stack: readonly string[], out: ModelMember[], required: boolean): void {
  const s = resolve(schema);
  const add = (type: MemberType): void => {
    if (path !== '') out.push({ path, type, ...(required && { required: true as const }) });
  };
  if (typeof s === 'number') {
    if (s & 64) return add('list');
    if (s & 128) return add('map');
    const type = simple[s];
    if (!type) throw new Error(`unknown simple schema ${s} at ${path}`);
    return add(type);
  }
  if (!Array.isArray(s)) throw new Error(`unreadable schema at ${path}`);
  const [kind, , name] = s as [number, string, string];
  if (kind === 1) {
    add('list');
    return walk(s[4], `${path}[]`, stack, out, false);
  }
  if (kind === 2) {
    add('map');
    return walk(s[5], `${path}{}`, stack, out, false);
  }
  if (kind !== 3 && kind !== 4) throw new Error(`unknown schema kind ${kind} at ${path}`);
  add(kind === 3 ? 'structure' : 'union');
  // A recursive shape is listed once, at its outermost occurrence.
  if (stack.includes(name)) return;
  const names = s[4] as string[];
  const schemas = s[5] as unknown[];
  const requiredCount = typeof s[6] === 'number' ? s[6] : 0;
  names.forEach((member, i) => {
    const child = path === '' ? member : `${path}.${member}`;
    walk(schemas[i], child, [...stack, name], out, kind === 3 && i < requiredCount);
  });
}

/** Every operation of the installed @aws-sdk/client-ecs with its request members. */
export function readEcsModel(): EcsModel {
  const require = createRequire(import.meta.url);
  const sdk = require('@aws-sdk/client-ecs') as Record<string, unknown>;
  const version = (require('@aws-sdk/client-ecs/package.json') as { version: string }).version;
  const operations: Record<string, { input: string; members: ModelMember[] }> = {};
  const names = Object.keys(sdk)
    .filter((k) => k.endsWith('$') && Array.isArray(sdk[k]) && (sdk[k] as unknown[])[0] === 9)
    .sort();
  for (const key of names) {
    const op = sdk[key] as readonly unknown[];
    const input = resolve(op[4]) as readonly unknown[];
    const members: ModelMember[] = [];
    walk(input, '', [], members, false);
    operations[op[2] as string] = { input: input[2] as string, members };
  }
  return { source: `@aws-sdk/client-ecs ${version}`, operations };
}

export function renderEcsModel(model: EcsModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(MEMBERS_FILE, renderEcsModel(readEcsModel()));
}
