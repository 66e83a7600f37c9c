/** What Berth knows of ELBv2 target groups and targets (the port is shared/ports/load-balancer-targets.ts). */

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
