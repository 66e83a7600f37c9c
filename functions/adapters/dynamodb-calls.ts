import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type BatchGetItemCommandInput,
  type BatchGetItemCommandOutput,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type DeleteItemCommandInput,
  type DeleteItemCommandOutput,
  type DynamoDBClient,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  type PutItemCommandInput,
  type PutItemCommandOutput,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';

/**
 * The DynamoDB operations the store makes, by their API names, with the
 * API's own request and response shapes. Two clients answer them: the AWS
 * SDK (Lambda, moto, LocalStack) and a lean JSON client
 * (./dynamodb-json-client.ts) that dev mode uses for its embedded emulator.
 */
export interface DynamoDbOperations {
  GetItem: [GetItemCommandInput, Pick<GetItemCommandOutput, 'Item'>];
  PutItem: [PutItemCommandInput, Pick<PutItemCommandOutput, never>];
  DeleteItem: [DeleteItemCommandInput, Pick<DeleteItemCommandOutput, never>];
  Query: [QueryCommandInput, Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey'>];
  BatchGetItem: [BatchGetItemCommandInput, Pick<BatchGetItemCommandOutput, 'Responses' | 'UnprocessedKeys'>];
  BatchWriteItem: [BatchWriteItemCommandInput, Pick<BatchWriteItemCommandOutput, 'UnprocessedItems'>];
}

export type DynamoDbOperation = keyof DynamoDbOperations;

/**
 * Makes one DynamoDB call. A service error is thrown as an Error whose
 * `name` is the error's type (`ConditionalCheckFailedException`, ...), as
 * the SDK throws it.
 */
export interface DynamoDbCalls {
  call<O extends DynamoDbOperation>(operation: O, input: DynamoDbOperations[O][0]): Promise<DynamoDbOperations[O][1]>;
}

/** The calls over the AWS SDK's client, with its retries and credential chain. */
export function sdkCalls(client: DynamoDBClient): DynamoDbCalls {
  const commands: { [O in DynamoDbOperation]: (input: DynamoDbOperations[O][0]) => Promise<DynamoDbOperations[O][1]> } =
    {
      GetItem: (input) => client.send(new GetItemCommand(input)),
      PutItem: (input) => client.send(new PutItemCommand(input)),
      DeleteItem: (input) => client.send(new DeleteItemCommand(input)),
      Query: (input) => client.send(new QueryCommand(input)),
      BatchGetItem: (input) => client.send(new BatchGetItemCommand(input)),
      BatchWriteItem: (input) => client.send(new BatchWriteItemCommand(input)),
    };
  return { call: (operation, input) => commands[operation](input) };
}
