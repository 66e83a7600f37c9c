import { ArnFormat, Stack, Validations, aws_iam as iam } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The ELBv2 actions functions/adapters/elbv2-targets.ts calls, and nothing else. */
export const TARGET_GROUP_READS = [
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetHealth',
] as const;
export const TARGET_GROUP_WRITES = [
  'elasticloadbalancing:RegisterTargets',
  'elasticloadbalancing:DeregisterTargets',
] as const;

/** The tag the monitor puts on every instance it launches (shared/control/capacity-scaling.ts). */
const PROVIDER_TAG = 'berth:capacity-provider';

/** The resource types a RunInstances from a launch template may touch besides the instance itself. */
const LAUNCH_RESOURCES = [
  'launch-template',
  'subnet',
  'security-group',
  'network-interface',
  'volume',
  'key-pair',
  'placement-group',
] as const;

function arn(scope: IConstruct, service: string, resource: string, account?: string): string {
  return Stack.of(scope).formatArn({
    service,
    resource,
    resourceName: '*',
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    ...(account !== undefined && { account }),
  });
}

/** Records why IAM5 may see a wildcard here: the service offers nothing narrower. */
function accept(role: IConstruct, findings: readonly string[], reason: string): void {
  for (const id of findings) Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${id}]`, reason });
}

/**
 * The scheduler registers and deregisters service tasks in target groups.
 * ELBv2's Describe actions support no resource-level permissions, so they
 * take `*`; the two writes are limited to this account's and region's
 * target groups (any of them: a service names its own in `loadBalancers`).
 */
export function grantTargetRegistration(role: iam.IRole): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...TARGET_GROUP_READS], resources: ['*'] }));
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...TARGET_GROUP_WRITES],
      resources: [
        Stack.of(role).formatArn({ service: 'elasticloadbalancing', resource: 'targetgroup', resourceName: '*/*' }),
      ],
    }),
  );
  accept(
    role,
    [
      'Resource::*',
      'Resource::arn:<AWS::Partition>:elasticloadbalancing:<AWS::Region>:<AWS::AccountId>:targetgroup/*/*',
    ],
    'ELBv2 Describe actions take no resource; the writes reach only target groups, the ones services name',
  );
}

export interface FleetGrantOptions {
  /** Roles the hosts' launch templates name through an instance profile: RunInstances passes them. */
  readonly hostRoleArns: readonly string[];
}

/**
 * The monitor launches capacity providers' instances from their launch
 * templates, tagged with the provider, and terminates only instances with
 * that tag. It never calls DescribeLaunchTemplates: only CreateCapacityProvider
 * does, in the api, and only where the api has an EC2 client (dev mode).
 */
export function grantCapacityFleet(role: iam.IRole, options: FleetGrantOptions): void {
  const fromTemplate = { ArnLike: { 'ec2:LaunchTemplate': arn(role, 'ec2', 'launch-template') } };
  const instances = arn(role, 'ec2', 'instance');
  // The instance only with Berth's tag in the request, and only from a launch template.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:RunInstances'],
      resources: [instances],
      conditions: { ...fromTemplate, Null: { [`aws:RequestTag/${PROVIDER_TAG}`]: 'false' } },
    }),
  );
  // What the template's instance is made of; images carry no account in their ARN.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:RunInstances'],
      resources: [...LAUNCH_RESOURCES.map((type) => arn(role, 'ec2', type)), arn(role, 'ec2', 'image', '')],
      conditions: fromTemplate,
    }),
  );
  // Tags in RunInstances' TagSpecification need CreateTags, granted for that call only.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:CreateTags'],
      resources: [instances, arn(role, 'ec2', 'volume'), arn(role, 'ec2', 'network-interface')],
      conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:TerminateInstances'],
      resources: [instances],
      conditions: { Null: { [`ec2:ResourceTag/${PROVIDER_TAG}`]: 'false' } },
    }),
  );
  if (options.hostRoleArns.length > 0) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [...options.hostRoleArns],
        conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    );
  }
  const account = 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>';
  accept(
    role,
    [
      ...['instance', ...LAUNCH_RESOURCES].map((type) => `Resource::${account}:${type}/*`),
      'Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::image/*',
    ],
    'launches only from a launch template, with the provider tag, and terminates only instances carrying it',
  );
}
