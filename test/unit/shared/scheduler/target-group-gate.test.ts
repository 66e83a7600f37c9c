import { describe, expect, it } from 'vitest';
import { holdStarts } from '#shared/scheduler/target-group-gate.ts';
import type { ServicePlan } from '#shared/scheduler/service-plan.ts';
import { aService } from '#test/fixtures/services.ts';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gone/0123abcd';

function planned(): ServicePlan {
  return {
    service: aService({ serviceName: 'web' }),
    start: [{ deploymentId: 'ecs-svc/1', taskDefinitionArn: 'td:1' }],
    stop: [{ taskId: 't1', reason: 'Scaling activity' }],
  };
}

describe('holdStarts', () => {
  it('starts no task while a target group cannot be used, keeps the stops, and names the group', () => {
    const held = holdStarts(planned(), [{ targetGroupArn: TG, reason: 'target group not found' }], 1, 'e1');
    expect(held.start).toEqual([]);
    expect(held.stop).toEqual(planned().stop);
    expect(held.service.events[0]?.message).toBe(
      `(service web) (deployment ecs-svc/1) is not starting tasks: target group ${TG} cannot be used (target group not found).`,
    );
  });

  it('leaves the plan alone when every target group can be used', () => {
    const plan = planned();
    expect(holdStarts(plan, [], 1, 'e1')).toBe(plan);
  });
});
