import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
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
}

/**
 * The whole control plane in one stack, as two constructs: `State` (what
 * must survive) and `ControlPlane` (what can be rebuilt). Their ids are
 * fixed, so either can later move into a stack of its own.
 */
export class BerthStack extends Stack {
  readonly state: BerthState;
  readonly controlPlane: BerthControlPlane;

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
    });
    // `berth bootstrap --table` and docs/deploy.md read the table's name from here.
    new CfnOutput(this, 'TableName', {
      value: this.state.table.tableName,
      description: 'The Berth table, for `berth bootstrap --table`',
    }).overrideLogicalId('TableName');
  }
}
