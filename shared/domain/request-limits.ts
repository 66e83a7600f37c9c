import { ClientError } from './errors.ts';

/**
 * Limits on what a request may carry, checked before anything is stored.
 * They keep every item under DynamoDB's 400 KB and 32-level caps, which would
 * otherwise surface as a ServerException from the table.
 */

/** ECS's quota "task definition size": the RegisterTaskDefinition request as JSON. */
export const MAX_TASK_DEFINITION_BYTES = 64 * 1024;

/** ECS: "A total of 8192 characters are allowed for overrides", JSON punctuation included. */
export const MAX_OVERRIDES_CHARACTERS = 8192;

/**
 * How deeply a request body may nest objects and arrays. ECS's deepest
 * shapes nest about ten levels; DynamoDB stores at most 32.
 */
export const MAX_JSON_DEPTH = 32;

const encoder = new TextEncoder();

export function requireTaskDefinitionSize(request: unknown): void {
  const bytes = encoder.encode(JSON.stringify(request)).length;
  if (bytes > MAX_TASK_DEFINITION_BYTES) {
    throw new ClientError(
      `The task definition is ${bytes} bytes; the maximum size of a task definition is 64 KiB (${MAX_TASK_DEFINITION_BYTES} bytes)`,
    );
  }
}

export function requireOverridesSize(overrides: unknown, member = 'overrides'): void {
  if (overrides === undefined) return;
  const characters = JSON.stringify(overrides).length;
  if (characters > MAX_OVERRIDES_CHARACTERS) {
    throw new ClientError(
      `${member} is ${characters} characters of JSON; at most ${MAX_OVERRIDES_CHARACTERS} characters are allowed for overrides`,
    );
  }
}

/**
 * The deepest nesting of objects and arrays in a JSON text, found by one
 * scan of the text without recursion: a body nested a million levels deep
 * must be refused, not overflow the stack of whatever walks it next.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '{' || ch === '[') {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (ch === '}' || ch === ']') {
      depth--;
    }
  }
  return deepest;
}

export function requireJsonDepth(text: string): void {
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new ClientError(`The request nests ${depth} levels deep; at most ${MAX_JSON_DEPTH} levels are allowed`);
  }
}
