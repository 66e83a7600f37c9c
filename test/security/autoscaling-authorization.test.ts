import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyWithPolicy } from './support/policy-calls.ts';
import { startSecureBerth, type SecureBerth } from './support/secure-berth.ts';
import { sign, type Credentials } from './support/signing.ts';

/**
 * Application Auto Scaling calls are signed for `application-autoscaling`
 * and authorised as `application-autoscaling:<Operation>` actions, apart
 * from ECS's: an ECS-only key cannot scale.
 */
describe('authorising Application Auto Scaling calls', () => {
  let berth: SecureBerth;
  beforeAll(async () => {
    berth = await startSecureBerth();
  });
  afterAll(async () => {
    await berth?.close();
  });
  const keyWith = keyWithPolicy(() => berth);

  async function call(credentials: Credentials, operation: string, body: unknown, service = 'application-autoscaling') {
    const { url, init } = await sign({
      credentials,
      date: new Date(),
      service,
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AnyScaleFrontendService.${operation}` },
      body: JSON.stringify(body),
    });
    const response = await berth.app.request(url, init);
    const json = (await response.json()) as { __type?: string; message?: string } & Record<string, unknown>;
    return { status: response.status, type: json.__type, message: json.message ?? '', json };
  }

  it('answers the administrator key', async () => {
    const answer = await call(berth.adminKey, 'DescribeScalableTargets', { ServiceNamespace: 'ecs' });
    expect(answer).toMatchObject({ status: 200, json: { ScalableTargets: [] } });
  });

  it('refuses a signature scoped to ecs', async () => {
    const answer = await call(berth.adminKey, 'DescribeScalableTargets', { ServiceNamespace: 'ecs' }, 'ecs');
    expect(answer.status).toBe(403);
    expect(answer.message).toContain("Credential should be scoped to correct service: 'application-autoscaling'");
  });

  it('refuses an ECS-only key, and lets a read-only scaling key describe but not register', async () => {
    const ecsOnly = await keyWith({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }],
    });
    const denied = await call(ecsOnly, 'DescribeScalableTargets', { ServiceNamespace: 'ecs' });
    expect(denied).toMatchObject({ status: 403, type: 'AccessDeniedException' });
    expect(denied.message).toContain('application-autoscaling:DescribeScalableTargets');

    const reader = await keyWith({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'application-autoscaling:Describe*', Resource: '*' }],
    });
    expect((await call(reader, 'DescribeScalingPolicies', { ServiceNamespace: 'ecs' })).status).toBe(200);
    const writes = berth.ctx.store.stats.writes;
    const register = await call(reader, 'RegisterScalableTarget', {
      ServiceNamespace: 'ecs',
      ResourceId: 'service/c/s',
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: 1,
      MaxCapacity: 2,
    });
    expect(register).toMatchObject({ status: 403, type: 'AccessDeniedException' });
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });

  it('answers an unknown member and an unknown operation in the protocol’s terms', async () => {
    const unknownMember = await call(berth.adminKey, 'DescribeScalableTargets', { ServiceNamespace: 'ecs', Bogus: 1 });
    expect(unknownMember).toMatchObject({ status: 400, type: 'ValidationException' });
    expect(unknownMember.message).toContain('Bogus');
    const unknownOp = await call(berth.adminKey, 'PutLifecycleHook', {});
    expect(unknownOp).toMatchObject({ status: 400, type: 'UnknownOperationException' });
  });
});
