import { describe, expect, it } from 'vitest';
import type { ControlResult } from '#agent/control/control-client.ts';
import { FencingPolicy } from '#agent/control/fencing-policy.ts';

type Registration = ControlResult<unknown>;
const registered: Registration = { ok: true, value: {} };
const gone: Registration = { ok: false, failure: { kind: 'instance-not-found', message: 'no such instance' } };
const down: Registration = { ok: false, failure: { kind: 'unavailable', message: 'connection refused' } };

/** The policy over recording parts; registrations answer from `answers` in turn, each when `release` is called. */
function policyWith(answers: Registration[]) {
  const done: string[] = [];
  const errors: string[] = [];
  const pending: (() => void)[] = [];
  let registrations = 0;
  const session = {
    register: () =>
      new Promise<Registration>((resolve) => {
        const answer = answers[registrations++] ?? registered;
        pending.push(() => resolve(answer));
      }),
  };
  const logger = { info: () => {}, warn: () => {}, error: (message: string) => void errors.push(message) };
  const policy = new FencingPolicy({ session, logger, stateDir: '/var/lib/berth-agent', instanceId: () => 'i-1' });
  policy.attach({
    engine: { setAssignmentsKnown: (known) => void done.push(`assignmentsKnown ${known}`) },
    poller: {
      resetVersion: () => void done.push('resetVersion'),
      pollNow: () => void done.push('pollNow'),
      stop: () => void done.push('poller.stop'),
    },
    reporter: { stop: () => void done.push('reporter.stop') },
    sync: { stop: () => void done.push('sync.stop') },
  });
  const release = (): void => {
    for (const answer of pending.splice(0)) answer();
  };
  return { policy, done, errors, release, registrations: () => registrations };
}

describe('FencingPolicy', () => {
  it('on a fence forgets the assignments, re-registers once for fences noticed together, then polls afresh', async () => {
    const { policy, done, release, registrations } = policyWith([registered]);
    const first = policy.onFenced();
    const second = policy.onFenced();
    expect(done).toEqual(['assignmentsKnown false', 'resetVersion']);
    release();
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(registrations()).toBe(1);
    expect(done).toEqual(['assignmentsKnown false', 'resetVersion', 'pollNow']);
  });

  it('re-registers again on a later fence', async () => {
    const { policy, release, registrations } = policyWith([registered, registered]);
    const first = policy.onFenced();
    release();
    await first;
    const second = policy.onFenced();
    release();
    await second;
    expect(registrations()).toBe(2);
  });

  it('takes no more work once the instance is found gone, and says so once', async () => {
    const { policy, done, errors, release } = policyWith([gone]);
    const fenced = policy.onFenced();
    release();
    expect(await fenced).toBe(false);
    policy.onDeregistered();
    expect(policy.deregistered).toBe(true);
    expect(done).toEqual([
      'assignmentsKnown false',
      'resetVersion',
      'poller.stop',
      'reporter.stop',
      'sync.stop',
      'assignmentsKnown false',
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Container instance i-1 was deregistered');
    expect(errors[0]).toContain('/var/lib/berth-agent/identity.json');
  });

  it('renews a refused credential by registering again, and logs a renewal that fails for another reason', async () => {
    const { policy, done, errors, release } = policyWith([registered, down]);
    const renewed = policy.onUnauthorized();
    release();
    expect(await renewed).toBe(true);
    const failed = policy.onUnauthorized();
    release();
    expect(await failed).toBe(false);
    expect(policy.deregistered).toBe(false);
    expect(done).toEqual([]);
    expect(errors).toEqual(['Cannot renew the instance credential']);
  });

  it('treats a renewal that finds the instance gone as deregistration', async () => {
    const { policy, release } = policyWith([gone]);
    const renewed = policy.onUnauthorized();
    release();
    expect(await renewed).toBe(false);
    expect(policy.deregistered).toBe(true);
  });
});
