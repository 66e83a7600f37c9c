import { label, withEvent } from './service-events.ts';
import type { ServicePlan } from './service-plan.ts';

/** A target group of the service that cannot be used, and why (ELBv2's answer). */
export interface UnusableGroup {
  readonly targetGroupArn: string;
  readonly reason: string;
}

/**
 * A deployment starts no task while a target group of its service cannot be
 * used (it does not exist): its tasks could not receive traffic. ECS fails
 * such a deployment; Berth holds it instead, with an event naming the group,
 * and carries on once the group exists (docs/load-balancers.md). Stops in the
 * plan go ahead: they never depend on the groups.
 */
export function holdStarts(
  plan: ServicePlan,
  unusable: readonly UnusableGroup[],
  now: number,
  id: string,
): ServicePlan {
  const first = plan.start[0];
  if (first === undefined || unusable.length === 0) return plan;
  const groups = unusable.map((u) => `target group ${u.targetGroupArn} cannot be used (${u.reason})`).join('; ');
  const message = `${label(plan.service)} (deployment ${first.deploymentId}) is not starting tasks: ${groups}.`;
  return { ...plan, start: [], service: withEvent(plan.service, message, now, id) };
}
