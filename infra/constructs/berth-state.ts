import {
  aws_kms as kms,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  aws_dynamodb as dynamodb,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TABLE_KEY } from '#shared/deployment/names.ts';

export interface BerthStateProps {
  /**
   * The timeout of the function that consumes the reconcile queue. The
   * queue's visibility timeout is six times this, as AWS advises for Lambda
   * event sources, so a message is not redelivered while a retried batch is
   * still being worked on.
   * @default Duration.seconds(30)
   */
  readonly consumerTimeout?: Duration;
}

/** SQS allows 80 characters in a queue name, `.fifo` included. */
const maxQueueNameLength = 80;

/**
 * Everything Berth must not lose: the table and the reconcile queue with its
 * dead-letter queue. Kept apart from the functions so that it can become its
 * own stack without renaming anything (see infra/README.md).
 */
export class BerthState extends Construct {
  readonly table: dynamodb.TableV2;
  readonly reconcileQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Encrypts the secrets of Berth's access keys; losing it loses every key. */
  readonly secretsKey: kms.Key;

  constructor(scope: Construct, id: string, props: BerthStateProps = {}) {
    super(scope, id);

    this.secretsKey = new kms.Key(this, 'AccessKeySecrets', {
      description: 'Berth: encrypts the secret halves of Berth access keys',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEY.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEY.sort, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TABLE_KEY.ttl,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS managed key: encrypted with a key whose use CloudTrail
      // records, rotated by AWS, and free of the $1 per month a customer
      // managed key adds to an idle install (infra/README.md).
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const stackName = Stack.of(this).stackName;
    this.deadLetterQueue = new sqs.Queue(this, 'ReconcileDeadLetterQueue', {
      queueName: fifoQueueName(stackName, 'reconcile-dlq'),
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: a poison message waits here for a human.
      retentionPeriod: Duration.days(14),
    });
    this.reconcileQueue = new sqs.Queue(this, 'ReconcileQueue', {
      queueName: fifoQueueName(stackName, 'reconcile'),
      fifo: true,
      // Berth sends an explicit deduplication id with every message.
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.seconds(6 * (props.consumerTimeout ?? Duration.seconds(30)).toSeconds()),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
  }
}

/**
 * `<stack>-<purpose>.fifo`, so two deployments (two stack names) in one
 * account and region never collide, and the console shows what a queue is.
 * When the name cannot be known at synthesis, CloudFormation picks one.
 */
function fifoQueueName(stackName: string, purpose: string): string | undefined {
  if (Token.isUnresolved(stackName)) {
    return undefined;
  }
  const name = `${stackName}-${purpose}.fifo`;
  if (name.length > maxQueueNameLength) {
    throw new Error(
      `Queue name ${name} is longer than SQS's ${maxQueueNameLength} characters; choose a shorter stack name.`,
    );
  }
  return name;
}
