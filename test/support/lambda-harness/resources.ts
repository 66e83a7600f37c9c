import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CfnValue, QueueProperties, StackBlueprint } from './blueprint.ts';

export interface AwsTarget {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The physical resources standing in for the stack's logical ones. */
export interface DeployedState {
  readonly account: string;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  readonly keyArn: string;
  /** Resolves the template's `Ref`s and `Fn::GetAtt ... Arn`s to these resources. */
  resolve(value: CfnValue): string;
}

/** CloudFormation's queue properties as SQS attributes (all strings); the name and the redrive are set apart. */
function queueAttributes(properties: QueueProperties, overrides: Record<string, string>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(properties)) {
    if (name === 'QueueName' || name === 'RedrivePolicy' || value === undefined) continue;
    attributes[name] = String(value);
  }
  return { ...attributes, ...overrides };
}

/**
 * Creates the stack's table, queues and key on an AWS endpoint (moto server
 * in tests) with the properties the template gives them, as CloudFormation
 * would. `visibilityTimeoutSeconds` replaces the queue's (six times the
 * scheduler's timeout, three minutes) so a test sees a redelivery soon.
 */
export async function deployState(
  blueprint: StackBlueprint,
  target: AwsTarget,
  options: { visibilityTimeoutSeconds?: number } = {},
): Promise<DeployedState> {
  const dynamo = new DynamoDBClient(target);
  const sqs = new SQSClient(target);
  const kms = new KMSClient(target);
  try {
    // CloudFormation names a table `<stack>-<logical id>-<random>`.
    const tableName = `${blueprint.stackName}-${blueprint.table.logicalId}-${randomBytes(4).toString('hex').toUpperCase()}`;
    const table = blueprint.table.properties;
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: table.KeySchema,
        AttributeDefinitions: table.AttributeDefinitions.map((a) => ({
          AttributeName: a.AttributeName,
          AttributeType: a.AttributeType as 'S' | 'N' | 'B',
        })),
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    if (table.TimeToLiveSpecification) {
      await dynamo.send(
        new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: table.TimeToLiveSpecification }),
      );
    }

    const createQueue = async (properties: QueueProperties, extra: Record<string, string>) => {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: properties.QueueName, Attributes: queueAttributes(properties, extra) }),
      );
      if (!QueueUrl) throw new Error(`no URL for queue ${properties.QueueName}`);
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      return { url: QueueUrl, arn: Attributes?.QueueArn ?? '' };
    };
    const deadLetter = await createQueue(blueprint.deadLetterQueue.properties, {});
    const queueProperties = blueprint.queue.properties;
    const redrive = queueProperties.RedrivePolicy;
    const queue = await createQueue(queueProperties, {
      ...(redrive && {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetter.arn,
          maxReceiveCount: redrive.maxReceiveCount,
        }),
      }),
      ...(options.visibilityTimeoutSeconds !== undefined && {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
      }),
    });

    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: blueprint.key.description }));
    if (!KeyMetadata?.Arn || !KeyMetadata.KeyId) throw new Error('KMS created a key without an ARN');
    if (blueprint.key.rotation) await kms.send(new EnableKeyRotationCommand({ KeyId: KeyMetadata.KeyId }));

    const account = queue.arn.split(':')[4] ?? '';
    const refs: Record<string, string> = {
      [blueprint.table.logicalId]: tableName,
      [blueprint.queue.logicalId]: queue.url,
      [blueprint.deadLetterQueue.logicalId]: deadLetter.url,
      [blueprint.key.logicalId]: KeyMetadata.KeyId,
      'AWS::AccountId': account,
      'AWS::Region': target.region,
      'AWS::Partition': 'aws',
      'AWS::StackName': blueprint.stackName,
    };
    const arns: Record<string, string> = {
      [blueprint.queue.logicalId]: queue.arn,
      [blueprint.deadLetterQueue.logicalId]: deadLetter.arn,
      [blueprint.key.logicalId]: KeyMetadata.Arn,
    };
    const resolve = (value: CfnValue): string => {
      if (typeof value !== 'object') return String(value);
      const found =
        'Ref' in value ? refs[value.Ref] : value['Fn::GetAtt'][1] === 'Arn' ? arns[value['Fn::GetAtt'][0]] : undefined;
      if (found === undefined) throw new Error(`the harness cannot resolve ${JSON.stringify(value)}`);
      return found;
    };
    return {
      account,
      tableName,
      queueUrl: queue.url,
      queueArn: queue.arn,
      deadLetterQueueUrl: deadLetter.url,
      deadLetterQueueArn: deadLetter.arn,
      keyArn: KeyMetadata.Arn,
      resolve,
    };
  } finally {
    dynamo.destroy();
    sqs.destroy();
    kms.destroy();
  }
}
