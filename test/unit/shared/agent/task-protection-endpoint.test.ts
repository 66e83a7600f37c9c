import { describe, expect, it } from 'vitest';
import { controlPlaneError, protectionAnswer, readProtectionRequest } from '#shared/agent/task-protection-endpoint.ts';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/c/0123';

describe('the ECS_AGENT_URI task protection documents', () => {
  it.each([
    ['{"ProtectionEnabled":true}', { ok: true, protectionEnabled: true }],
    ['{"ProtectionEnabled":false,"ExpiresInMinutes":null}', { ok: true, protectionEnabled: false }],
    ['{"ProtectionEnabled":true,"ExpiresInMinutes":60}', { ok: true, protectionEnabled: true, expiresInMinutes: 60 }],
  ])('reads %s', (text, expected) => {
    expect(readProtectionRequest(text, ARN)).toEqual(expected);
  });

  it.each([
    ['not JSON', 'nope'],
    ['an array', '[true]'],
    ['an unknown member', '{"ProtectionEnabled":true,"Other":1}'],
    ['a string flag', '{"ProtectionEnabled":"true"}'],
    ['fractional minutes', '{"ProtectionEnabled":true,"ExpiresInMinutes":1.5}'],
  ])('refuses %s as undecodable, naming no task', (_case, text) => {
    const read = readProtectionRequest(text, ARN);
    expect(read).toMatchObject({
      ok: false,
      answer: { status: 400, body: { error: { Code: 'InvalidParameterException' } } },
    });
    expect(JSON.stringify(read)).not.toContain(ARN);
  });

  it('refuses a body without ProtectionEnabled, naming the task', () => {
    expect(readProtectionRequest('{"ExpiresInMinutes":5}', ARN)).toMatchObject({
      ok: false,
      answer: { status: 400, body: { error: { Arn: ARN, Code: 'InvalidParameterException' } } },
    });
  });

  it('answers a protected task, an unprotected one, and a failure in ECS member names', () => {
    const until = '2026-12-06T18:00:00.000Z';
    expect(
      protectionAnswer(
        { protectedTasks: [{ taskArn: ARN, protectionEnabled: true, expirationDate: until }], failures: [] },
        ARN,
      ),
    ).toEqual({ status: 200, body: { protection: { ExpirationDate: until, ProtectionEnabled: true, TaskArn: ARN } } });
    expect(
      protectionAnswer({ protectedTasks: [{ taskArn: ARN, protectionEnabled: false }], failures: [] }, ARN),
    ).toEqual({
      status: 200,
      body: { protection: { ExpirationDate: null, ProtectionEnabled: false, TaskArn: ARN } },
    });
    expect(protectionAnswer({ protectedTasks: [], failures: [{ arn: ARN, reason: 'TASK_NOT_VALID' }] }, ARN)).toEqual({
      status: 200,
      body: { failure: { Arn: ARN, Detail: null, Reason: 'TASK_NOT_VALID' } },
    });
  });

  it('passes a refusal of the control plane on, and reports an unreachable one as a server error', () => {
    expect(
      controlPlaneError({ kind: 'rejected', status: 400, code: 'InvalidParameterException', message: 'too long' }, ARN),
    ).toEqual({ status: 400, body: { error: { Arn: ARN, Code: 'InvalidParameterException', Message: 'too long' } } });
    expect(controlPlaneError({ kind: 'unavailable', message: 'timed out' }, ARN)).toMatchObject({
      status: 503,
      body: { error: { Arn: ARN, Code: 'ServerException' } },
    });
  });
});
