import { describe, expect, it } from 'vitest';
import { heldForDrain, markDraining } from '#shared/domain/traffic-drain.ts';
import { planTraffic, type GroupView } from '#shared/scheduler/traffic-plan.ts';
import { anInstance, aWebServiceTask as webTask } from '../../../fixtures/entities.ts';
import { aService } from '../../../fixtures/services.ts';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123abcd';
const service = aService({
  serviceName: 'web',
  loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 80 }],
});
const instances = new Map([['ci-1', anInstance({ id: 'ci-1', ec2InstanceId: 'i-1' })]]);
const NOW = 1_000_000;

function group(current: string[] = [], delaySeconds = 10): Map<string, GroupView> {
  return new Map([
    [
      TG,
      {
        found: true,
        group: { targetType: 'instance', deregistrationDelaySeconds: delaySeconds },
        current: current.map((c) => ({
          target: { id: c.split(':')[0]!, port: Number(c.split(':')[1]) },
          state: 'healthy' as const,
        })),
      },
    ],
  ]);
}

describe('planTraffic', () => {
  it('registers a RUNNING task by its instance id and host port, and marks it', () => {
    const plan = planTraffic({ service, tasks: [webTask('a')], instances, groups: group(), now: NOW });
    expect(plan.register).toEqual([{ targetGroupArn: TG, targets: [{ id: 'i-1', port: 32768 }] }]);
    expect(plan.registered).toEqual(['a']);
  });

  it('registers an awsvpc task in an ip target group by its own address and the container port', () => {
    const ipGroup = new Map<string, GroupView>([
      [TG, { found: true, group: { targetType: 'ip', deregistrationDelaySeconds: 10 }, current: [] }],
    ]);
    const awsvpc = webTask('v', {
      networkInterface: { attachmentId: 'eni-v', privateIpv4Address: '10.213.0.7' },
    });
    const plan = planTraffic({ service, tasks: [awsvpc], instances, groups: ipGroup, now: NOW });
    expect(plan.register).toEqual([{ targetGroupArn: TG, targets: [{ id: '10.213.0.7', port: 80 }] }]);
  });

  it('waits for HEALTHY when the task is health-checked', () => {
    const task = webTask('a', { healthChecked: true, healthStatus: 'UNKNOWN' });
    expect(planTraffic({ service, tasks: [task], instances, groups: group(), now: NOW }).register).toEqual([]);
  });

  it('deregisters a stopping registered task and drains it for the delay', () => {
    const task = webTask('a', { desiredStatus: 'STOPPED', traffic: { registeredAt: 1 } });
    const plan = planTraffic({ service, tasks: [task], instances, groups: group(['i-1:32768'], 10), now: NOW });
    expect(plan.deregister).toEqual([{ targetGroupArn: TG, targets: [{ id: 'i-1', port: 32768 }] }]);
    expect(plan.draining).toEqual([{ taskId: 'a', until: NOW + 10_000 }]);
  });

  it('drains a task whose host was lost at once', () => {
    const task = webTask('a', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', traffic: { registeredAt: 1 } });
    const plan = planTraffic({ service, tasks: [task], instances, groups: group(['i-1:32768']), now: NOW });
    expect(plan.draining).toEqual([{ taskId: 'a', until: NOW }]);
  });

  it('names a missing target group and a host without an EC2 instance id', () => {
    const missing = new Map<string, GroupView>([[TG, { found: false, reason: 'One or more target groups not found' }]]);
    expect(planTraffic({ service, tasks: [], instances, groups: missing, now: NOW }).problems).toEqual([
      `target group ${TG} cannot be used: One or more target groups not found`,
    ]);
    const bare = new Map([['ci-1', anInstance({ id: 'ci-1' })]]);
    const plan = planTraffic({ service, tasks: [webTask('a')], instances: bare, groups: group(), now: NOW });
    expect(plan.problems[0]).toMatch(/no EC2 instance id/);
  });
});

describe('heldForDrain', () => {
  it('holds a registered stopping task until its drain ends, then lets it stop', () => {
    const stopping = webTask('a', { desiredStatus: 'STOPPED', traffic: { registeredAt: 1 } });
    expect(heldForDrain(stopping, NOW)).toBe(true);
    const draining = markDraining(NOW + 5)(stopping)!;
    expect(draining.lastStatus).toBe('DEACTIVATING');
    expect(heldForDrain(draining, NOW)).toBe(true);
    expect(heldForDrain(draining, NOW + 5)).toBe(false);
    expect(heldForDrain(webTask('b', { desiredStatus: 'STOPPED' }), NOW)).toBe(false);
  });
});
