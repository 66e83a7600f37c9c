import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { Collection, Key, Versioned } from '#shared/ports/store.ts';
import { TABLE_KEY } from './dynamodb-table.ts';

/**
 * How one entity is laid out as a DynamoDB item: its key, its collection's
 * name (`kind`), a version, and the entity itself as JSON in `doc`. JSON
 * rather than a native map keeps `undefined` fields, empty strings and nested
 * shapes out of DynamoDB's marshalling rules, and the schema validates it on
 * the way back in.
 */
export type Item = Record<string, AttributeValue>;

/** A stored item that does not read back as its collection: a bug, never an outcome. */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
}

/**
 * DynamoDB's item limit is 400 KB, attribute names and values together; the
 * key, kind, version and expiry take well under the 2 KB kept back here.
 */
export const MAX_DOC_BYTES = 400 * 1024 - 2 * 1024;

const storedItem = z.object({
  [TABLE_KEY.partition]: z.object({ S: z.string() }),
  [TABLE_KEY.sort]: z.object({ S: z.string() }),
  kind: z.object({ S: z.string() }),
  version: z.object({
    N: z
      .string()
      .regex(/^[1-9]\d*$/, 'a positive integer')
      .transform(Number),
  }),
  doc: z.object({ S: z.string() }),
});

export function keyItem(key: Key): Item {
  return { [TABLE_KEY.partition]: { S: key.partition }, [TABLE_KEY.sort]: { S: key.sort } };
}

export function epochSeconds(expiresAt: number): string {
  if (!Number.isFinite(expiresAt)) throw new RangeError(`expiresAt must be epoch seconds, got ${expiresAt}`);
  return String(Math.floor(expiresAt));
}

export function describeKey(key: Key): string {
  return `${JSON.stringify(key.partition)}/${JSON.stringify(key.sort)}`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/**
 * Serialises an entity and checks that it reads back as its collection, so a
 * bad write fails in the writer rather than in every later reader. The value
 * returned is the one a later `get` gives (defaults filled in, `undefined`
 * fields gone).
 */
export function encodeDoc<T>(collection: Collection<T>, key: Key, value: T): { doc: string; readBack: T } {
  // JSON.stringify returns undefined (despite its type) for undefined itself.
  const doc: string | undefined = JSON.stringify(value);
  if (doc === undefined) throw new CorruptItemError(`Refusing to write nothing as a ${collection.name}`);
  const checked = collection.schema.safeParse(JSON.parse(doc));
  if (!checked.success) {
    throw new CorruptItemError(
      `Refusing to write a ${collection.name} at ${describeKey(key)} that would not read back: ${describeIssues(checked.error)}`,
    );
  }
  return { doc, readBack: checked.data };
}

export function decode<T>(collection: Collection<T>, raw: Item): Versioned<T> {
  const item = storedItem.safeParse(raw);
  const where = tableKeyOf(raw);
  if (!item.success) throw new CorruptItemError(`Item ${where} is not a Berth item: ${describeIssues(item.error)}`);
  const kind = item.data.kind.S;
  if (kind !== collection.name) throw new CorruptItemError(`Item ${where} is a ${kind}, not a ${collection.name}`);
  let json: unknown;
  try {
    json = JSON.parse(item.data.doc.S);
  } catch (error) {
    throw new CorruptItemError(`Item ${where} holds a doc that is not JSON`, { cause: error });
  }
  const value = collection.schema.safeParse(json);
  if (!value.success) {
    throw new CorruptItemError(`Item ${where} is not a valid ${collection.name}: ${describeIssues(value.error)}`);
  }
  return { value: value.data, version: item.data.version.N };
}

function tableKeyOf(raw: Item): string {
  return describeKey({ partition: raw[TABLE_KEY.partition]?.S ?? '?', sort: raw[TABLE_KEY.sort]?.S ?? '?' });
}
