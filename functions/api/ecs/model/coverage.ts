import type { z } from 'zod';
import { supported, type MemberAnswer } from './answer.ts';
import { declaredAnswers, type DeclaredAnswers } from './answers.ts';
import { schemaPaths } from './zod-paths.ts';

/** `a.b[].c` -> `a`, `a.b`, `a.b[]`, `a.b[].c`: the member and every member holding it. */
export function ancestry(path: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '.' || path[i] === '[' || path[i] === '{') out.push(path.slice(0, i));
  }
  out.push(path);
  return [...new Set(out.filter((p) => p !== ''))];
}

/**
 * Berth's answer for one member of one operation, or undefined when it has
 * none (the model-coverage test fails on that). A refusal declared for a
 * member the schema does not know covers its own members; a member the
 * schema knows is supported (with the declared note, if any).
 */
export function answerFor(
  operation: string,
  schema: z.ZodType,
  path: string,
  declared: DeclaredAnswers = declaredAnswers,
): MemberAnswer | undefined {
  const known = schemaPaths(schema);
  const table = declared[operation] ?? {};
  const chain = ancestry(path);
  for (const p of chain) {
    const a = table[p];
    if (!known.has(p) && a && (a.answer === 'refused' || a.answer === 'not-yet')) return a;
  }
  if (known.has(path)) return table[path]?.answer === 'supported-with-note' ? table[path] : supported;
  for (const p of chain.reverse()) {
    const a = table[p];
    if (a) return a;
  }
  return undefined;
}
