import { holdStarts, type UnusableGroup } from '#shared/scheduler/target-group-gate.ts';
import type { ServicePlan } from '#shared/scheduler/service-plan.ts';
import type { ControlContext } from '../context.ts';

/**
 * Before a service's plan starts tasks, looks its target groups up and holds
 * the starts while one cannot be used (target-group-gate.ts). Only plans that
 * start tasks pay for the lookups. An ELBv2 error holds the starts too: the
 * next pass asks again.
 */
export async function checkTargetGroups(ctx: ControlContext, plan: ServicePlan): Promise<ServicePlan> {
  const targets = ctx.targets;
  if (plan.start.length === 0 || plan.service.loadBalancers.length === 0 || !targets) return plan;
  const unusable: UnusableGroup[] = [];
  for (const { targetGroupArn } of plan.service.loadBalancers) {
    try {
      const lookup = await targets.describeTargetGroup(targetGroupArn);
      if (!lookup.found) unusable.push({ targetGroupArn, reason: lookup.reason });
    } catch (error) {
      unusable.push({ targetGroupArn, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return holdStarts(plan, unusable, ctx.clock.now(), ctx.ids.next());
}
