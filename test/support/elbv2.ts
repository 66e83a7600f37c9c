import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { testAwsClientConfig } from './aws-endpoint.ts';

/** Target groups on the test endpoint's ELBv2 (moto server unless told otherwise), in a VPC of their own. */
export async function elbv2Fixture() {
  const config = testAwsClientConfig();
  const elb = new ElasticLoadBalancingV2Client(config);
  const ec2 = new EC2Client(config);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = vpc.Vpc!.VpcId!;
  return {
    config,
    elb,
    async targetGroup(name: string, options: { targetType?: 'instance' | 'ip'; delaySeconds?: number } = {}) {
      const created = await elb.send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: 'HTTP',
          Port: 80,
          VpcId: vpcId,
          TargetType: options.targetType ?? 'instance',
        }),
      );
      const arn = created.TargetGroups![0]!.TargetGroupArn!;
      if (options.delaySeconds !== undefined) {
        await elb.send(
          new ModifyTargetGroupAttributesCommand({
            TargetGroupArn: arn,
            Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(options.delaySeconds) }],
          }),
        );
      }
      return arn;
    },
    /** The group's targets as `id:port`, sorted. */
    async targets(arn: string): Promise<string[]> {
      const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      return (health.TargetHealthDescriptions ?? []).map((d) => `${d.Target?.Id}:${d.Target?.Port}`).sort();
    },
    destroy() {
      elb.destroy();
      ec2.destroy();
    },
  };
}
