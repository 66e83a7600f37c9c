import { Names, type Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { BerthCluster } from './berth-cluster.ts';
import { berthResource } from './berth-resource.ts';
import type { BerthTaskDefinition } from './berth-task-definition.ts';

/** A target group the service registers its tasks in, as ECS's `loadBalancers` entry. */
export interface BerthLoadBalancer {
  readonly targetGroupArn: string;
  readonly containerName: string;
  readonly containerPort: number;
}

export interface BerthServiceProps {
  /**
   * The cluster: one the stack declares, or the name or ARN of one it does
   * not own (a cluster with hosts registered outside the stack).
   */
  readonly cluster: BerthCluster | string;
  readonly taskDefinition: BerthTaskDefinition;
  /** @default - a name unique to this construct's path */
  readonly serviceName?: string;
  /** @default 1 */
  readonly desiredCount?: number;
  /** Of desiredCount, what must keep running during a deployment. @default 100 */
  readonly minHealthyPercent?: number;
  /** Of desiredCount, what may run during a deployment. @default 200 */
  readonly maxHealthyPercent?: number;
  /**
   * The deployment circuit breaker: stop a deployment whose tasks keep
   * failing (and, with `rollback`, return to the last one that completed).
   * A stopped deployment fails the stack update with its reason.
   * @default { enable: true, rollback: true }
   */
  readonly circuitBreaker?: { readonly enable?: boolean; readonly rollback?: boolean };
  /** @default - none */
  readonly placementStrategies?: ReadonlyArray<{
    readonly type: 'binpack' | 'spread' | 'random';
    readonly field?: string;
  }>;
  /** @default - none */
  readonly healthCheckGracePeriod?: Duration;
  /** @default - none */
  readonly loadBalancers?: readonly BerthLoadBalancer[];
}

/**
 * A Berth service, declared like `aws_ecs.Ec2Service`. A change returns only
 * when its deployment has completed; one the circuit breaker stops fails the
 * stack update, which CloudFormation then rolls back.
 */
export class BerthService extends Construct {
  readonly serviceArn: string;
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: BerthServiceProps) {
    super(scope, id);
    const name = props.serviceName ?? Names.uniqueResourceName(this, { maxLength: 255 });
    const breaker = props.circuitBreaker ?? { enable: true, rollback: true };
    const resource = berthResource(this, 'Custom::BerthService', props.taskDefinition.connection, () => ({
      cluster: typeof props.cluster === 'string' ? props.cluster : props.cluster.clusterName,
      serviceName: name,
      taskDefinition: props.taskDefinition.taskDefinitionArn,
      desiredCount: props.desiredCount ?? 1,
      deploymentConfiguration: {
        minimumHealthyPercent: props.minHealthyPercent ?? 100,
        maximumPercent: props.maxHealthyPercent ?? 200,
        deploymentCircuitBreaker: { enable: breaker.enable ?? true, rollback: breaker.rollback ?? true },
      },
      ...(props.placementStrategies && { placementStrategy: props.placementStrategies }),
      ...(props.healthCheckGracePeriod && {
        healthCheckGracePeriodSeconds: props.healthCheckGracePeriod.toSeconds(),
      }),
      ...(props.loadBalancers && { loadBalancers: props.loadBalancers }),
    }));
    this.serviceArn = resource.ref;
    this.serviceName = resource.getAttString('Name');
  }
}
