import type { AttributeValue, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { VersionConflictError } from '#shared/domain/errors.ts';
import type { Collection, Key } from '#shared/ports/store.ts';
import { describeKey, type Item } from './dynamodb-items.ts';
import { TABLE_KEY } from './dynamodb-table.ts';

/** What a conditional write expects of the stored item: none there, or one at a version. */
export type Condition = { readonly absent: true } | { readonly version: number };
export const absent: Condition = { absent: true };

const conflictErrorNames = new Set(['ConditionalCheckFailedException', 'TransactionConflictException']);

type ConditionalInput = Pick<
  PutItemCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

export function conditionExpression<T>(
  collection: Collection<T>,
  condition: Condition,
  nowMs: number,
): ConditionalInput {
  if ('absent' in condition) {
    // An item past its expiry is gone as far as readers know, so a create may take its place.
    return {
      ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
      ExpressionAttributeNames: { '#pk': TABLE_KEY.partition, '#ttl': TABLE_KEY.ttl },
      ExpressionAttributeValues: { ':now': { N: String(Math.floor(nowMs / 1000)) } },
    };
  }
  // The kind check keeps a key collision between collections from
  // overwriting another collection's item; it surfaces as a conflict.
  return {
    ConditionExpression: '#version = :expected AND #kind = :kind',
    ExpressionAttributeNames: { '#version': 'version', '#kind': 'kind' },
    ExpressionAttributeValues: { ':expected': { N: String(condition.version) }, ':kind': { S: collection.name } },
  };
}

/** Runs a conditional write; returns DynamoDB's error when the condition failed, and throws any other. */
export async function conditionFailure(write: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await write();
    return undefined;
  } catch (error) {
    if (!(error instanceof Error) || !conflictErrorNames.has(error.name)) throw error;
    return error;
  }
}

/** The domain conflict that create, replace and delete throw for a failed condition. */
export function conflictError<T>(
  collection: Collection<T>,
  key: Key,
  condition: Condition,
  cause: Error,
): VersionConflictError {
  const what = `${collection.name} ${describeKey(key)}`;
  return new VersionConflictError(
    'absent' in condition ? `${what} already exists` : `${what} is missing or not at version ${condition.version}`,
    { collection: collection.name, partition: key.partition, sort: key.sort },
    { cause },
  );
}

/** The SDK puts the item of ReturnValuesOnConditionCheckFailure on the exception as `Item`. */
const failedWithItem = z.object({
  Item: z.record(
    z.string(),
    z.custom<AttributeValue>((v) => typeof v === 'object' && v !== null),
  ),
});

export function returnedItem(failed: Error): Item | undefined {
  const parsed = failedWithItem.safeParse(failed);
  return parsed.success ? parsed.data.Item : undefined;
}
