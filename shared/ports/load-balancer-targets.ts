import type { Target, TargetGroupLookup, TargetHealth } from '../schemas/load-balancer-target.ts';

export type * from '../schemas/load-balancer-target.ts';

/**
 * Elastic Load Balancing (v2) as Berth's traffic flow sees it: what a target
 * group is, and registering, deregistering and watching the health of the
 * targets Berth's tasks are. Implemented over the ELBv2 API
 * (functions/adapters/elbv2-targets.ts) and, in tests of pure logic, by fakes.
 */
export interface LoadBalancerTargets {
  /** The group's target type and deregistration delay, or why it cannot be used. */
  describeTargetGroup(targetGroupArn: string): Promise<TargetGroupLookup>;
  register(targetGroupArn: string, targets: readonly Target[]): Promise<void>;
  deregister(targetGroupArn: string, targets: readonly Target[]): Promise<void>;
  /** Every target the group holds, with the load balancer's view of its health. */
  health(targetGroupArn: string): Promise<TargetHealth[]>;
}
