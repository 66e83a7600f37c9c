import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type CreateQueueCommandInput,
  type CreateQueueCommandOutput,
  type DeleteMessageCommandInput,
  type GetQueueAttributesCommandInput,
  type GetQueueAttributesCommandOutput,
  type GetQueueUrlCommandInput,
  type GetQueueUrlCommandOutput,
  type ReceiveMessageCommandInput,
  type ReceiveMessageCommandOutput,
  type SendMessageCommandInput,
  type SendMessageCommandOutput,
  type SetQueueAttributesCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * The SQS operations the queue adapter makes, by their API names, with the
 * API's own request and response shapes (SQS's JSON protocol, which the SDK
 * speaks too). Two clients answer them: the AWS SDK (the CLI, tests) and
 * Berth's lean JSON client (./sqs-json-client.ts), which the Lambda
 * functions use; the queue contract suite runs over both.
 */
export interface SqsOperations {
  CreateQueue: [CreateQueueCommandInput, Pick<CreateQueueCommandOutput, 'QueueUrl'>];
  GetQueueUrl: [GetQueueUrlCommandInput, Pick<GetQueueUrlCommandOutput, 'QueueUrl'>];
  GetQueueAttributes: [GetQueueAttributesCommandInput, Pick<GetQueueAttributesCommandOutput, 'Attributes'>];
  SetQueueAttributes: [SetQueueAttributesCommandInput, unknown];
  SendMessage: [SendMessageCommandInput, Pick<SendMessageCommandOutput, 'MessageId' | 'SequenceNumber'>];
  ReceiveMessage: [ReceiveMessageCommandInput, Pick<ReceiveMessageCommandOutput, 'Messages'>];
  DeleteMessage: [DeleteMessageCommandInput, unknown];
}

export type SqsOperation = keyof SqsOperations;

/** Makes one SQS call; a service error is thrown named by its type (`QueueDoesNotExist`, ...), as the SDK names it. */
export interface SqsCalls {
  call<O extends SqsOperation>(operation: O, input: SqsOperations[O][0]): Promise<SqsOperations[O][1]>;
}

/** The calls over the AWS SDK's client, with its retries and credential chain. */
export function sdkSqsCalls(client: SQSClient): SqsCalls {
  const commands: { [O in SqsOperation]: (input: SqsOperations[O][0]) => Promise<SqsOperations[O][1]> } = {
    CreateQueue: (input) => client.send(new CreateQueueCommand(input)),
    GetQueueUrl: (input) => client.send(new GetQueueUrlCommand(input)),
    GetQueueAttributes: (input) => client.send(new GetQueueAttributesCommand(input)),
    SetQueueAttributes: (input) => client.send(new SetQueueAttributesCommand(input)),
    SendMessage: (input) => client.send(new SendMessageCommand(input)),
    ReceiveMessage: (input) => client.send(new ReceiveMessageCommand(input)),
    DeleteMessage: (input) => client.send(new DeleteMessageCommand(input)),
  };
  return { call: (operation, input) => commands[operation](input) };
}
