import { describe, expect, it } from 'vitest';
import { decideCapacity, type ProviderInstance, type ProviderScaling } from '#shared/scheduler/capacity-decision.ts';

const scaling: ProviderScaling = {
  enabled: true,
  targetCapacity: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10,
  minInstances: 0,
  maxInstances: 5,
  scaleInAfterMs: 60_000,
};
const instance = (id: string, over: Partial<ProviderInstance> = {}): ProviderInstance => ({
  id,
  ec2InstanceId: `i-${id}`,
  status: 'ACTIVE',
  tasks: 0,
  cpu: 1024,
  memory: 1024,
  idleSince: undefined,
  ...over,
});
const demand = (tasks: number) => ({ tasks, cpu: 256, memory: 256 });

describe('decideCapacity', () => {
  it('launches one instance per waiting task when none is registered yet, in one decision', () => {
    expect(decideCapacity(scaling, [], demand(3), 0, 0)).toEqual({ launch: 3, drain: [], terminate: [] });
  });

  it('sizes the launch by what fits on the provider instances, within max', () => {
    // Four 256-unit tasks fit a 1024 instance: 9 tasks need 3 more instances.
    expect(decideCapacity(scaling, [instance('a', { tasks: 4 })], demand(9), 0, 0).launch).toBe(3);
    expect(decideCapacity(scaling, [], demand(20), 0, 0).launch).toBe(5);
    expect(decideCapacity({ ...scaling, maxInstances: 2 }, [instance('a')], demand(20), 0, 0).launch).toBe(1);
  });

  it('respects the step sizes and targetCapacity', () => {
    expect(decideCapacity({ ...scaling, minimumScalingStepSize: 3 }, [], demand(1), 0, 0).launch).toBe(3);
    expect(decideCapacity({ ...scaling, maximumScalingStepSize: 2 }, [], demand(4), 0, 0).launch).toBe(2);
    // 50 %: twice the instances the tasks need.
    expect(decideCapacity({ ...scaling, targetCapacity: 50 }, [], demand(2), 0, 0).launch).toBe(4);
  });

  it('launches nothing while launched instances warm up, or when managed scaling is off', () => {
    expect(decideCapacity(scaling, [], demand(3), 2, 0).launch).toBe(0);
    expect(decideCapacity({ ...scaling, enabled: false }, [], demand(3), 0, 0).launch).toBe(0);
  });

  it('launches up to the minimum even with nothing waiting', () => {
    expect(decideCapacity({ ...scaling, minInstances: 2 }, [], demand(0), 0, 0).launch).toBe(2);
  });

  it('drains instances idle past the cool-down, never below min, and never one with tasks', () => {
    const idle = instance('a', { idleSince: 0 });
    const fresh = instance('b', { idleSince: 50_000 });
    const busy = instance('c', { tasks: 1 });
    expect(decideCapacity(scaling, [idle, fresh, busy], demand(0), 0, 60_000).drain).toEqual(['a']);
    expect(decideCapacity({ ...scaling, minInstances: 3 }, [idle, fresh, busy], demand(0), 0, 60_000).drain).toEqual(
      [],
    );
  });

  it('terminates drained instances only once they are empty', () => {
    const drained = instance('a', { status: 'DRAINING' });
    const drainingBusy = instance('b', { status: 'DRAINING', tasks: 2 });
    expect(decideCapacity(scaling, [drained, drainingBusy], demand(0), 0, 0).terminate).toEqual(['a']);
  });
});
