import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BerthAlarms } from '../constructs/berth-alarms.ts';
import { BerthControlPlane } from '../constructs/berth-control-plane.ts';
import { BerthState } from '../constructs/berth-state.ts';

export interface BerthStackProps extends StackProps {
  /**
   * Seconds without a heartbeat after which a container instance counts as
   * disconnected.
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
   * The roles of the instance profiles capacity providers' launch templates
   * name, which the monitor passes to EC2 when it launches them.
   * @default - none
   */
  readonly hostRoleArns?: readonly string[];
  /**
   * The berth-agent release (an https:// tar.gz) that hosts capacity
   * providers launch install, joining their cluster by themselves.
   * @default - none: launched hosts run their launch template's own user data
   */
  readonly agentReleaseUrl?: string;
  /**
   * An address the alarms e-mail, through an SNS topic the stack creates.
   * @default - none
   */
  readonly alarmEmail?: string;
  /**
   * An existing SNS topic the alarms notify instead.
   * @default - none
   */
  readonly alarmTopicArn?: string;
}

/**
 * The whole control plane in one stack, as two constructs: `State` (what
 * must survive) and `ControlPlane` (what can be rebuilt). Their ids are
 * fixed, so either can later move into a stack of its own.
 */
export class BerthStack extends Stack {
  readonly state: BerthState;
  readonly controlPlane: BerthControlPlane;
  readonly alarms: BerthAlarms;

  constructor(scope: Construct, id: string, props: BerthStackProps = {}) {
    super(scope, id, props);

    // One value for both sides: the queue's visibility timeout is derived
    // from the timeout of the function that consumes it.
    const schedulerTimeout = Duration.seconds(30);
    this.state = new BerthState(this, 'State', { consumerTimeout: schedulerTimeout });
    this.controlPlane = new BerthControlPlane(this, 'ControlPlane', {
      table: this.state.table,
      reconcileQueue: this.state.reconcileQueue,
      deadLetterQueue: this.state.deadLetterQueue,
      secretsKey: this.state.secretsKey,
      schedulerTimeout,
      heartbeatTtlSeconds: props.heartbeatTtlSeconds,
      pollIntervalSeconds: props.pollIntervalSeconds,
      hostRoleArns: props.hostRoleArns,
      agentReleaseUrl: props.agentReleaseUrl,
    });
    this.alarms = new BerthAlarms(this, 'Alarms', {
      functions: {
        api: this.controlPlane.api,
        scheduler: this.controlPlane.scheduler,
        monitor: this.controlPlane.monitor,
      },
      reconcileQueue: this.state.reconcileQueue,
      deadLetterQueue: this.state.deadLetterQueue,
      email: props.alarmEmail,
      topicArn: props.alarmTopicArn,
    });
    // `berth bootstrap --table` and docs/deploy.md read the table's name from here.
    new CfnOutput(this, 'TableName', {
      value: this.state.table.tableName,
      description: 'The Berth table, for `berth bootstrap --table`',
    }).overrideLogicalId('TableName');
  }
}
