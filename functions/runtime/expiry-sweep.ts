import { DeleteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_KEY } from '../adapters/dynamodb-table.ts';

/**
 * DynamoDB deletes items whose `expiresAt` has passed on its own (the
 * table's TTL); dynalite never does. Dev mode sweeps instead, so a dev table
 * that runs for weeks does not keep every stopped task and spent token. The
 * store already hides such items; this frees them. An item written again
 * since the scan (its `expiresAt` changed or gone) is left alone. Answers how
 * many items it deleted.
 */
export async function sweepExpired(
  client: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  nowMs: number,
  /** Items examined per Scan page. */
  pageSize = 500,
): Promise<number> {
  const names = { '#pk': TABLE_KEY.partition, '#sk': TABLE_KEY.sort, '#ttl': TABLE_KEY.ttl };
  let deleted = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        Limit: pageSize,
        // As the store reads it: an item is gone once expiresAt (seconds) is not after now.
        FilterExpression: '#ttl <= :now',
        ProjectionExpression: '#pk, #sk, #ttl',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':now': { N: String(Math.floor(nowMs / 1000)) } },
        ...(start !== undefined && { ExclusiveStartKey: start }),
      }),
    );
    for (const item of page.Items ?? []) {
      const key = { [TABLE_KEY.partition]: item[TABLE_KEY.partition], [TABLE_KEY.sort]: item[TABLE_KEY.sort] };
      const seen = item[TABLE_KEY.ttl];
      if (!key[TABLE_KEY.partition] || !key[TABLE_KEY.sort] || !seen) continue;
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key as Record<string, AttributeValue>,
            ConditionExpression: '#ttl = :seen',
            ExpressionAttributeNames: { '#ttl': TABLE_KEY.ttl },
            ExpressionAttributeValues: { ':seen': seen },
          }),
        );
        deleted++;
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return deleted;
}
