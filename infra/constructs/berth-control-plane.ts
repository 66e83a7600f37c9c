import {
  CfnOutput,
  Duration,
  Stack,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_events_targets as targets,
  aws_lambda as lambda,
  aws_lambda_event_sources as sources,
  aws_sqs as sqs,
  aws_kms as kms,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BerthFunction } from './berth-function.ts';
import { berthHandlers, consoleBuildCommands } from './bundling.ts';
import { ENVIRONMENT as ENV, SETTING_BOUNDS } from '#shared/deployment/names.ts';
import { boundedSetting } from './setting-bounds.ts';
import { grantCapacityFleet, grantTargetRegistration } from './control-plane-permissions.ts';
import { userDataParams } from '#shared/domain/host-user-data.ts';

export interface BerthControlPlaneProps {
  /** The table every function reads and writes. */
  readonly table: dynamodb.ITableV2;

  /** The FIFO queue of reconcile requests, one message group per cluster. */
  readonly reconcileQueue: sqs.IQueue;

  /** Where reconcile requests go after five failed receives. */
  readonly deadLetterQueue: sqs.IQueue;

  /** The KMS key that encrypts access-key secrets; only the api uses it. */
  readonly secretsKey: kms.IKey;

  /**
   * The scheduler's timeout. The reconcile queue's visibility timeout must be
   * at least six times this; the stack hands both constructs the same value.
   * @default Duration.seconds(30)
   */
  readonly schedulerTimeout?: Duration;

  /**
   * Seconds without a heartbeat after which a container instance counts as
   * disconnected and its tasks as lost.
   * @default 60
   */
  readonly heartbeatTtlSeconds?: number;
  /**
   * How often agents poll (told to them at registration): how soon a host
   * learns of new work, and most of what an agent costs (docs/deploy.md).
   * @default 20
   */
  readonly pollIntervalSeconds?: number;

  /**
   * The roles of the instance profiles that capacity providers' launch
   * templates name: launching such a template passes the role, so the
   * monitor may pass these (to EC2 only) and no other.
   * @default - none: launch templates without an instance profile
   */
  readonly hostRoleArns?: readonly string[];

  /**
   * An https:// URL of the berth-agent release (a tar.gz of install.sh,
   * berth-agent.service and berth-agent.mjs). With it, the hosts capacity
   * providers launch install the agent from it and join their cluster at
   * this control plane's endpoint by themselves (docs/scaling.md).
   * @default - none: launched hosts run their launch template's own user data
   */
  readonly agentReleaseUrl?: string;
}

/**
 * Everything Berth can rebuild from nothing: the api, scheduler and monitor
 * functions, the api's HTTPS endpoint and the monitor's schedule.
 */
export class BerthControlPlane extends Construct {
  readonly api: BerthFunction;
  readonly scheduler: BerthFunction;
  readonly monitor: BerthFunction;
  readonly apiUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: BerthControlPlaneProps) {
    super(scope, id);

    // The names the composition root's environment schema reads, and the
    // bounds it applies, checked here so a value it would refuse never deploys.
    const environment = {
      [ENV.tableName]: props.table.tableName,
      [ENV.queueUrl]: props.reconcileQueue.queueUrl,
      [ENV.deadLetterQueueUrl]: props.deadLetterQueue.queueUrl,
      [ENV.accountId]: Stack.of(this).account,
      [ENV.heartbeatTtlSeconds]: boundedSetting(
        'heartbeatTtlSeconds',
        props.heartbeatTtlSeconds,
        SETTING_BOUNDS.heartbeatTtlSeconds,
      ),
      [ENV.pollIntervalSeconds]: boundedSetting(
        'pollIntervalSeconds',
        props.pollIntervalSeconds,
        SETTING_BOUNDS.pollIntervalSeconds,
      ),
    };

    this.api = new BerthFunction(this, 'Api', {
      entry: berthHandlers.api,
      description: 'Berth api: the ECS-compatible control API and the agent API',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: { ...environment, [ENV.kmsKeyId]: props.secretsKey.keyArn },
      afterBundling: consoleBuildCommands,
    });
    props.table.grantReadWriteData(this.api);
    // Creating a key encrypts its secret; verifying a signature decrypts it.
    // Those two calls only: grantEncryptDecrypt would add kms:ReEncrypt* and
    // kms:GenerateDataKey*, wildcards the api never uses.
    props.secretsKey.grant(this.api, 'kms:Encrypt', 'kms:Decrypt');
    props.reconcileQueue.grantSendMessages(this.api);
    // A function URL, not API Gateway: Berth verifies SigV4 itself, and a
    // function URL has no per-request charge on top of the invocation
    // (infra/README.md).
    this.apiUrl = this.api.handler.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    const apiUrlOutput = new CfnOutput(this, 'ApiUrl', {
      value: this.apiUrl.url,
      description: 'The Berth endpoint: pass it to `aws ecs --endpoint-url` and to berth-agent',
    });
    // Scripts and docs/deploy.md read the output by this name.
    apiUrlOutput.overrideLogicalId('ApiUrl');
    const keyOutput = new CfnOutput(this, 'SecretsKeyArn', {
      value: props.secretsKey.keyArn,
      description: 'The KMS key for `berth bootstrap --kms-key-id`, which creates the first administrator key',
    });
    keyOutput.overrideLogicalId('SecretsKeyArn');

    this.scheduler = new BerthFunction(this, 'Scheduler', {
      entry: berthHandlers.scheduler,
      description: 'Berth scheduler: reconciles one cluster per reconcile message',
      memorySize: 512,
      timeout: props.schedulerTimeout ?? Duration.seconds(30),
      environment,
    });
    props.table.grantReadWriteData(this.scheduler);
    // A pass that loses placement races asks for another pass of its cluster.
    props.reconcileQueue.grantSendMessages(this.scheduler);
    grantTargetRegistration(this.scheduler.role);
    // The event source grants the scheduler receive, delete and visibility changes.
    this.scheduler.handler.addEventSource(
      new sources.SqsEventSource(props.reconcileQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.monitor = new BerthFunction(this, 'Monitor', {
      entry: berthHandlers.monitor,
      description: 'Berth monitor: heartbeat expiry and the periodic resync of every cluster',
      memorySize: 256,
      timeout: Duration.seconds(50),
      environment: { ...environment, ...this.hostBootstrap(props.agentReleaseUrl) },
      // The next sweep a minute later does what a retry would.
      asyncRetryAttempts: 0,
    });
    props.table.grantReadWriteData(this.monitor);
    props.reconcileQueue.grantSendMessages(this.monitor);
    // Each sweep reports the dead-letter queue's depth (the DeadLetteredReconcileRequests metric).
    props.deadLetterQueue.grant(this.monitor, 'sqs:GetQueueAttributes');
    grantCapacityFleet(this.monitor.role, { hostRoleArns: props.hostRoleArns ?? [] });
    new events.Rule(this, 'MonitorSchedule', {
      description: 'Runs the Berth monitor every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.monitor.handler, { retryAttempts: 0 })],
    });
  }

  /** What the monitor writes into launched hosts' user data: where to fetch the agent, and this endpoint. */
  private hostBootstrap(agentReleaseUrl: string | undefined): Record<string, string> {
    if (agentReleaseUrl === undefined) return {};
    const checked = userDataParams.shape.agentReleaseUrl.safeParse(agentReleaseUrl);
    if (!checked.success) throw new Error(`agentReleaseUrl: ${checked.error.issues.map((i) => i.message).join('; ')}`);
    return { [ENV.agentEndpoint]: this.apiUrl.url, [ENV.agentReleaseUrl]: agentReleaseUrl };
  }
}
