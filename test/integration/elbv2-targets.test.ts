import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElbv2Targets } from '#functions/adapters/elbv2-targets.ts';
import { createElbv2QueryClient } from '#functions/adapters/elbv2-query-client.ts';
import { elbv2Fixture } from '../support/elbv2.ts';

/** The LoadBalancerTargets adapter against the test endpoint's ELBv2 (moto server). */
describe('ELBv2 load balancer targets', () => {
  let fixture: Awaited<ReturnType<typeof elbv2Fixture>>;
  beforeAll(async () => {
    fixture = await elbv2Fixture();
  });
  afterAll(() => fixture?.destroy());

  it('reads a target group’s type and deregistration delay', async () => {
    const arn = await fixture.targetGroup('adapter-inst', { delaySeconds: 7 });
    const ip = await fixture.targetGroup('adapter-ip', { targetType: 'ip' });
    const targets = createElbv2Targets(createElbv2QueryClient(fixture.config));
    expect(await targets.describeTargetGroup(arn)).toEqual({
      found: true,
      group: { targetType: 'instance', deregistrationDelaySeconds: 7 },
    });
    expect(await targets.describeTargetGroup(ip)).toEqual({
      found: true,
      group: { targetType: 'ip', deregistrationDelaySeconds: 300 },
    });
  });

  it('answers a missing target group as a value naming why', async () => {
    const arn = await fixture.targetGroup('adapter-gone');
    const missing = arn.replace('adapter-gone', 'adapter-none');
    const lookup = await createElbv2Targets(createElbv2QueryClient(fixture.config)).describeTargetGroup(missing);
    expect(lookup.found).toBe(false);
  });

  it('registers and deregisters targets and reports their health', async () => {
    const arn = await fixture.targetGroup('adapter-reg');
    const targets = createElbv2Targets(createElbv2QueryClient(fixture.config));
    // Two instances: moto keys a group's targets by id alone, where ELBv2 keys them by id and port.
    await targets.register(arn, [
      { id: 'i-0123456789abcdef0', port: 32768 },
      { id: 'i-0123456789abcdef1', port: 32769 },
    ]);
    expect(await fixture.targets(arn)).toEqual(['i-0123456789abcdef0:32768', 'i-0123456789abcdef1:32769']);
    const health = await targets.health(arn);
    expect(health.map((h) => h.target.port).sort()).toEqual([32768, 32769]);
    expect(health.every((h) => typeof h.state === 'string')).toBe(true);
    await targets.deregister(arn, [{ id: 'i-0123456789abcdef0', port: 32768 }]);
    expect(await fixture.targets(arn)).toEqual(['i-0123456789abcdef1:32769']);
  });
});
