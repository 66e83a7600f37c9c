import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { repoRoot } from '#infra/constructs/bundling.ts';
import { BerthStack, type BerthStackProps } from '#infra/stacks/berth-stack.ts';

const context = z
  .object({ context: z.record(z.string(), z.unknown()) })
  .parse(JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8'))).context;
const outdir = mkdtempSync(join(tmpdir(), 'berth-alarms-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The stack as `cdk synth` builds it; alarms do not need the bundles, so none is built. */
function synth(props: BerthStackProps = {}): { stack: BerthStack; template: Template } {
  const app = new App({
    outdir: mkdtempSync(join(outdir, 'app-')),
    context: { ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new BerthStack(app, 'Berth', props);
  return { stack, template: Template.fromStack(stack) };
}

function logicalId(stack: BerthStack, construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.getLogicalId(resource);
}

const alarmNames = [
  'ApiErrors',
  'ApiThrottles',
  'SchedulerErrors',
  'SchedulerThrottles',
  'MonitorErrors',
  'MonitorThrottles',
  'DeadLetterQueueDepth',
  'ReconcileRequestAge',
  'DeadLetteredReconcileRequests',
];

describe('the Berth alarms', () => {
  const { stack, template } = synth();

  it('alarm on each function’s errors and throttles', () => {
    for (const name of ['api', 'scheduler', 'monitor'] as const) {
      const fn = { Ref: logicalId(stack, stack.controlPlane[name].handler) };
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: fn }],
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('alarm on a dead-lettered reconcile request, by the queue’s metric and by the monitor’s', () => {
    const dlq = logicalId(stack, stack.state.deadLetterQueue);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Berth',
      MetricName: 'DeadLetteredReconcileRequests',
      Dimensions: Match.absent(),
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarm when the oldest reconcile request waits more than five minutes', () => {
    const queue = logicalId(stack, stack.state.reconcileQueue);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('name each alarm in a stack output, and notify no one unless told to', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', alarmNames.length);
    for (const name of alarmNames) template.hasOutput(`Alarm${name}`, {});
    expect(
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
        (alarm) => z.object({ Properties: z.object({ AlarmActions: z.unknown() }) }).safeParse(alarm).success,
      ),
    ).toEqual([]);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('e-mail an address through a TLS-only topic of their own', () => {
    const { stack: mailedStack, template: mailed } = synth({ alarmEmail: 'ops@example.com' });
    // The topic and its key pass the same cdk-nag pack as the rest of the stack.
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(mailedStack);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources[0]?.constructPath}`)).toEqual([]);
    const topics = Object.keys(mailed.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    mailed.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    mailed.hasOutput('AlarmTopicArn', { Value: { Ref: topics[0] } });
    const alarms = Object.values(mailed.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(alarmNames.length);
    for (const alarm of alarms) expect(alarm).toMatchObject({ Properties: { AlarmActions: [{ Ref: topics[0] }] } });
  });

  it('notify an existing topic', () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:ops';
    const { template: told } = synth({ alarmTopicArn: arn });
    told.resourceCountIs('AWS::SNS::Topic', 0);
    const alarms = Object.values(told.findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) expect(alarm).toMatchObject({ Properties: { AlarmActions: [arn] } });
  });

  it('refuse an e-mail address and a topic together', () => {
    expect(() => synth({ alarmEmail: 'ops@example.com', alarmTopicArn: 'arn:aws:sns:us-east-1:1:ops' })).toThrow(
      /e-mail address or a topic ARN, not both/,
    );
  });
});
