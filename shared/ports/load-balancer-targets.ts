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

/** `instance`: an EC2 instance id and the task's host port; `ip`: the task's own address and container port. */
export type TargetType = 'instance' | 'ip' | 'lambda' | 'alb';

export interface TargetGroup {
  readonly targetType: TargetType;
  /** `deregistration_delay.timeout_seconds`: how long a deregistered target drains. */
  readonly deregistrationDelaySeconds: number;
}

export type TargetGroupLookup =
  { readonly found: true; readonly group: TargetGroup } | { readonly found: false; readonly reason: string };

export interface Target {
  readonly id: string;
  readonly port: number;
}

/** ELBv2's TargetHealth states. */
export type TargetState =
  'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable' | 'unhealthy.draining';

export interface TargetHealth {
  readonly target: Target;
  readonly state: TargetState;
  readonly reason?: string;
}
