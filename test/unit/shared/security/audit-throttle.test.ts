import { describe, expect, it } from 'vitest';
import { agentCallOf } from '#shared/security/agent-call.ts';
import { createAuditThrottle } from '#shared/security/audit-throttle.ts';
import { signsPerCallId } from '#shared/security/sigv4/replay-protection.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

describe('the audit throttle', () => {
  it('admits the first N per source and minute, then counts', () => {
    const throttle = createAuditThrottle({ perMinute: 3 });
    const admitted = [1, 2, 3, 4, 5].map((i) => throttle.admit('a', T0 + i));
    expect(admitted).toEqual([true, true, true, false, false]);
    expect(throttle.admit('b', T0 + 6)).toBe(true);
    expect(throttle.closed(T0 + 59_999)).toEqual([]);
  });

  it('hands back each closed minute with suppressions once', () => {
    const throttle = createAuditThrottle({ perMinute: 1 });
    for (let i = 0; i < 4; i++) throttle.admit('a', T0 + i);
    throttle.admit('b', T0);
    expect(throttle.closed(T0 + MINUTE)).toEqual([{ source: 'a', from: T0, until: T0 + MINUTE, count: 3 }]);
    expect(throttle.closed(T0 + 2 * MINUTE)).toEqual([]);
  });

  it('closes a source’s minute when its next minute starts', () => {
    const throttle = createAuditThrottle({ perMinute: 1 });
    throttle.admit('a', T0);
    throttle.admit('a', T0 + 1);
    expect(throttle.admit('a', T0 + MINUTE)).toBe(true);
    expect(throttle.closed(T0 + MINUTE)).toEqual([{ source: 'a', from: T0, until: T0 + MINUTE, count: 1 }]);
  });

  it('tracks a bounded number of sources, closing the oldest early', () => {
    const throttle = createAuditThrottle({ perMinute: 1, maxSources: 2 });
    throttle.admit('a', T0);
    throttle.admit('a', T0);
    throttle.admit('b', T0);
    throttle.admit('c', T0);
    expect(throttle.closed(T0)).toEqual([{ source: 'a', from: T0, until: T0 + MINUTE, count: 1 }]);
  });
});

describe('which signatures the replay claim covers', () => {
  it.each([
    ['the JS SDK v3', 'amz-sdk-invocation-id;amz-sdk-request;content-type;host;x-amz-date;x-amz-target', true],
    ['botocore (AWS CLI, boto3)', 'content-type;host;x-amz-date;x-amz-target', false],
  ])('%s: %s', (_name, signed, claimed) => {
    expect(signsPerCallId(signed.split(';'))).toBe(claimed);
  });
});

describe('agent calls as the audit log names them', () => {
  const d = { partition: 'aws', region: 'us-east-1', accountId: '000000000000' };
  const arn = 'arn:aws:ecs:us-east-1:000000000000';
  it.each([
    ['POST', '/clusters/c/instances', 'ecs:RegisterContainerInstance', [`${arn}:cluster/c`]],
    ['POST', '/clusters/c/instances/i-1/poll', 'ecs:Poll', [`${arn}:container-instance/c/i-1`]],
    [
      'POST',
      '/clusters/c/instances/i-1/credentials',
      'berth:RotateAgentCredential',
      [`${arn}:container-instance/c/i-1`],
    ],
    ['POST', '/clusters/c/instances/i-1/reports', 'ecs:SubmitTaskStateChange', [`${arn}:container-instance/c/i-1`]],
    ['GET', '/clusters/c/tasks/t-1', 'ecs:Poll', [`${arn}:task/c/t-1`]],
    ['POST', '/clusters/c/tasks/t-1/state', 'ecs:SubmitTaskStateChange', [`${arn}:task/c/t-1`]],
    ['GET', '/clusters/c/tasks/t-1/secrets', 'berth:GetTaskSecrets', [`${arn}:task/c/t-1`]],
    ['DELETE', '/clusters/c/instances/i-1', 'berth:AgentCall', []],
    ['GET', '/anything/else', 'berth:AgentCall', []],
  ])('%s %s is %s', (method, path, action, resources) => {
    expect(agentCallOf(d, method, path)).toEqual({ action, resources });
  });
});
