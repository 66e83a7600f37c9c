import {
  CfnOutput,
  Duration,
  Stack,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as actions,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { BerthFunction } from './berth-function.ts';

/** The monitor's EMF metric (functions/monitor/dead-letter-signal.ts): the dead-letter queue's depth, every minute. */
const DEAD_LETTERED = { namespace: 'Berth', metricName: 'DeadLetteredReconcileRequests' } as const;

/** Five minutes: past one scheduler retry (three minutes hidden), well before a request dead-letters (five receives). */
const OLDEST_REQUEST_SECONDS = 300;

export interface BerthAlarmsProps {
  /** The functions whose errors and throttles alarm, by the name the alarms and outputs carry. */
  readonly functions: Readonly<Record<'api' | 'scheduler' | 'monitor', BerthFunction>>;
  readonly reconcileQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;

  /**
   * An address to e-mail when an alarm fires: a topic of Berth's own is
   * created for it (SNS asks the address to confirm first).
   * @default - none
   */
  readonly email?: string;

  /**
   * An existing SNS topic the alarms notify instead. Its key, if it has one,
   * must let CloudWatch use it.
   * @default - none
   */
  readonly topicArn?: string;
}

/**
 * The alarms an operator of Berth needs: any function failing or throttled,
 * a reconcile request dead-lettered, reconcile requests waiting too long.
 * Without an e-mail or a topic they only show in the CloudWatch console.
 */
export class BerthAlarms extends Construct {
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly topic: sns.ITopic | undefined;

  constructor(scope: Construct, id: string, props: BerthAlarmsProps) {
    super(scope, id);
    this.topic = this.alarmTopic(props);
    const period = Duration.minutes(5);
    const alarms: cloudwatch.Alarm[] = [];
    const add = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, name, {
        alarmName: `${Stack.of(this).stackName}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No datapoint is no invocation, no message: nothing wrong.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (this.topic) alarm.addAlarmAction(new actions.SnsAction(this.topic));
      new CfnOutput(this, `${name}Name`, { value: alarm.alarmName, description }).overrideLogicalId(`Alarm${name}`);
      alarms.push(alarm);
    };
    for (const [name, fn] of Object.entries(props.functions)) {
      const title = name.charAt(0).toUpperCase() + name.slice(1);
      add(`${title}Errors`, fn.handler.metricErrors({ period }), 0, `The Berth ${name} function failed`);
      add(`${title}Throttles`, fn.handler.metricThrottles({ period }), 0, `The Berth ${name} function was throttled`);
    }
    add(
      'DeadLetterQueueDepth',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      0,
      'A reconcile request failed five times and waits in the dead-letter queue; its cluster is not reconciled',
    );
    add(
      'ReconcileRequestAge',
      props.reconcileQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      OLDEST_REQUEST_SECONDS,
      `A reconcile request has waited more than ${OLDEST_REQUEST_SECONDS} seconds: the scheduler fails or falls behind`,
    );
    add(
      'DeadLetteredReconcileRequests',
      new cloudwatch.Metric({ ...DEAD_LETTERED, period: Duration.minutes(1), statistic: 'Maximum' }),
      0,
      'The monitor counts reconcile requests in the dead-letter queue, in flight ones included',
    );
    this.alarms = alarms;
  }

  private alarmTopic(props: BerthAlarmsProps): sns.ITopic | undefined {
    if (props.email !== undefined && props.topicArn !== undefined) {
      throw new Error('alarms: give an e-mail address or a topic ARN, not both');
    }
    if (props.topicArn !== undefined) return sns.Topic.fromTopicArn(this, 'Topic', props.topicArn);
    if (props.email === undefined) return undefined;
    // TLS only (the topic policy denies plain HTTP). Not encrypted at rest: it
    // carries alarm names, and CloudWatch cannot publish under the AWS managed
    // aws/sns key, so encryption would take a key of Berth's own ($1 a month).
    const topic = new sns.Topic(this, 'Topic', { enforceSSL: true, displayName: 'Berth alarms' });
    topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    new CfnOutput(this, 'TopicArn', {
      value: topic.topicArn,
      description: 'The SNS topic Berth alarms notify',
    }).overrideLogicalId('AlarmTopicArn');
    return topic;
  }
}
