import type {
  LoadBalancerTargets,
  Target,
  TargetGroupLookup,
  TargetHealth,
  TargetState,
  TargetType,
} from '#shared/ports/load-balancer-targets.ts';
import { elements, field, type Elbv2Call } from './elbv2-query-client.ts';

/** ELBv2's default deregistration delay, used when the attribute is absent. */
const DEFAULT_DELAY_SECONDS = 300;

/** Errors that say the target group cannot be used, as opposed to a fault worth retrying. */
const MISSING = new Set(['TargetGroupNotFound', 'TargetGroupNotFoundException', 'ValidationError']);

/** The LoadBalancerTargets port over ELBv2's API (the five actions the scheduler's role is granted). */
export function createElbv2Targets(call: Elbv2Call): LoadBalancerTargets {
  return {
    async describeTargetGroup(arn): Promise<TargetGroupLookup> {
      try {
        const groups = await call('DescribeTargetGroups', { 'TargetGroupArns.member.1': arn });
        // One group was asked for, so its fields are the answer's (its members nest lists of their own).
        if (!groups.includes('<TargetGroupArn>')) return { found: false, reason: `target group ${arn} not found` };
        const attributes = await call('DescribeTargetGroupAttributes', { TargetGroupArn: arn });
        const delay = elements(attributes, 'member').find(
          (m) => field(m, 'Key') === 'deregistration_delay.timeout_seconds',
        );
        const seconds = delay === undefined ? undefined : field(delay, 'Value');
        return {
          found: true,
          group: {
            targetType: (field(groups, 'TargetType') ?? 'instance') as TargetType,
            deregistrationDelaySeconds: seconds === undefined ? DEFAULT_DELAY_SECONDS : Number(seconds),
          },
        };
      } catch (error) {
        if (error instanceof Error && MISSING.has(error.name)) return { found: false, reason: error.message };
        throw error;
      }
    },
    async register(arn, targets) {
      if (targets.length > 0) await call('RegisterTargets', { TargetGroupArn: arn, ...members(targets) });
    },
    async deregister(arn, targets) {
      if (targets.length > 0) await call('DeregisterTargets', { TargetGroupArn: arn, ...members(targets) });
    },
    async health(arn): Promise<TargetHealth[]> {
      const answer = await call('DescribeTargetHealth', { TargetGroupArn: arn });
      return elements(answer, 'member').flatMap((d) => {
        const target = elements(d, 'Target')[0];
        const id = target === undefined ? undefined : field(target, 'Id');
        if (target === undefined || id === undefined) return [];
        const health = elements(d, 'TargetHealth')[0] ?? '';
        const reason = field(health, 'Reason');
        return [
          {
            target: { id, port: Number(field(target, 'Port') ?? 0) },
            state: (field(health, 'State') ?? 'unavailable') as TargetState,
            ...(reason !== undefined && { reason }),
          },
        ];
      });
    },
  };
}

function members(targets: readonly Target[]): Record<string, string> {
  return Object.fromEntries(
    targets.flatMap((t, i) => [
      [`Targets.member.${i + 1}.Id`, t.id],
      [`Targets.member.${i + 1}.Port`, String(t.port)],
    ]),
  );
}
