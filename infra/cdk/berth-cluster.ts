import { Names } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { berthResource } from './berth-resource.ts';
import type { BerthConnection } from './connection.ts';

export interface BerthClusterProps {
  readonly connection: BerthConnection;
  /**
   * The cluster's name; changing it replaces the cluster.
   * @default - a name unique to this construct's path
   */
  readonly clusterName?: string;
  /**
   * Cluster settings, as ECS's `settings` (`containerInsights` and the like).
   * @default - none
   */
  readonly settings?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

/** A Berth cluster, declared like `aws_ecs.Cluster`. */
export class BerthCluster extends Construct {
  readonly connection: BerthConnection;
  readonly clusterName: string;
  readonly clusterArn: string;

  constructor(scope: Construct, id: string, props: BerthClusterProps) {
    super(scope, id);
    this.connection = props.connection;
    const name = props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 255 });
    const resource = berthResource(this, 'Custom::BerthCluster', props.connection, () => ({
      clusterName: name,
      ...(props.settings && { settings: props.settings }),
    }));
    this.clusterName = resource.ref;
    this.clusterArn = resource.getAttString('Arn');
  }
}
