import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type ElasticLoadBalancingV2ClientConfig,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type {
  LoadBalancerTargets,
  Target,
  TargetGroupLookup,
  TargetHealth,
  TargetState,
  TargetType,
} from '#shared/ports/load-balancer-targets.ts';

/** ELBv2's default deregistration delay, used when the attribute is absent. */
const DEFAULT_DELAY_SECONDS = 300;

/** Errors that say the target group cannot be used, as opposed to a fault worth retrying. */
const MISSING = new Set(['TargetGroupNotFoundException', 'TargetGroupNotFound', 'ValidationError']);

/**
 * The LoadBalancerTargets port over the ELBv2 SDK client. The config is the
 * SDK's: region, credentials, and an endpoint, which the SDK otherwise takes
 * from AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 / AWS_ENDPOINT_URL.
 */
export function createElbv2Targets(config: ElasticLoadBalancingV2ClientConfig): LoadBalancerTargets {
  const client = new ElasticLoadBalancingV2Client(config);
  return {
    async describeTargetGroup(arn): Promise<TargetGroupLookup> {
      try {
        const groups = await client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
        const group = groups.TargetGroups?.[0];
        if (!group) return { found: false, reason: `target group ${arn} not found` };
        const attributes = await client.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
        const delay = attributes.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
        return {
          found: true,
          group: {
            targetType: (group.TargetType ?? 'instance') as TargetType,
            deregistrationDelaySeconds: delay === undefined ? DEFAULT_DELAY_SECONDS : Number(delay),
          },
        };
      } catch (error) {
        if (error instanceof Error && MISSING.has(error.name)) return { found: false, reason: error.message };
        throw error;
      }
    },
    async register(arn, targets) {
      if (targets.length === 0) return;
      await client.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: targets.map(wire) }));
    },
    async deregister(arn, targets) {
      if (targets.length === 0) return;
      await client.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: targets.map(wire) }));
    },
    async health(arn): Promise<TargetHealth[]> {
      const answer = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      return (answer.TargetHealthDescriptions ?? []).flatMap((d) => {
        if (d.Target?.Id === undefined) return [];
        const reason = d.TargetHealth?.Reason;
        return [
          {
            target: { id: d.Target.Id, port: d.Target.Port ?? 0 },
            state: (d.TargetHealth?.State ?? 'unavailable') as TargetState,
            ...(reason !== undefined && { reason }),
          },
        ];
      });
    },
  };
}

function wire(target: Target): { Id: string; Port: number } {
  return { Id: target.id, Port: target.port };
}
