import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecureBerth } from './support/secure-berth.ts';
import { ecsCaller, keyWithPolicy, startTwoClusterBerth } from './support/policy-calls.ts';
import { sign, type Credentials } from './support/signing.ts';

const ARN = 'arn:aws:ecs:us-east-1:000000000000';

/**
 * Policies enforced through the API: resources and wildcards, conditions on
 * ecs:cluster, ecs:task-definition and tags, Deny over Allow, and the admin
 * API's own actions. A refusal writes nothing but its audit record.
 */
describe('authorisation by policy', () => {
  let berth: SecureBerth;

  beforeAll(async () => {
    berth = await startTwoClusterBerth();
  });
  afterAll(async () => {
    await berth?.close();
  });

  const call = ecsCaller(() => berth);
  const keyWith = keyWithPolicy(() => berth);

  async function expectDenied(
    credentials: Credentials,
    operation: string,
    body: unknown,
    resource: string,
    why = /no identity-based policy allows/,
  ) {
    const writes = berth.ctx.store.stats.writes;
    const answer = await call(credentials, operation, body);
    expect(answer).toMatchObject({ status: 403, type: 'AccessDeniedException' });
    expect(answer.message).toContain(`is not authorized to perform: ecs:${operation} on resource: ${resource}`);
    expect(answer.message).toMatch(why);
    expect(berth.ctx.store.stats.writes).toBe(writes);
    return answer;
  }

  /** Authorised: whatever the operation answers, it is not a refusal by policy. */
  async function expectAllowed(credentials: Credentials, operation: string, body: unknown) {
    const answer = await call(credentials, operation, body);
    expect(answer.type).not.toBe('AccessDeniedException');
    return answer;
  }

  describe('a key limited to cluster A', () => {
    let key: Credentials;
    beforeAll(async () => {
      key = await keyWith({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'ecs:*', Resource: `${ARN}:cluster/A` },
          // RunTask acts on the task definition too, as in ECS.
          { Effect: 'Allow', Action: 'ecs:RunTask', Resource: `${ARN}:task-definition/*` },
          {
            Effect: 'Allow',
            Action: ['ecs:StopTask', 'ecs:DescribeTasks'],
            Resource: '*',
            Condition: { ArnEquals: { 'ecs:cluster': `${ARN}:cluster/A` } },
          },
        ],
      });
    });

    it('runs tasks on A', async () => {
      const answer = await expectAllowed(key, 'RunTask', { cluster: 'A', taskDefinition: 'web' });
      // Authorised; A simply has no instance to run on.
      expect(answer.message).toMatch(/No Container Instances/);
    });

    it.each([
      ['RunTask on B by name', 'RunTask', { cluster: 'B', taskDefinition: 'web' }, `${ARN}:cluster/B`],
      ['RunTask on B by ARN', 'RunTask', { cluster: `${ARN}:cluster/B`, taskDefinition: 'web' }, `${ARN}:cluster/B`],
      [
        'RunTask on B named by an ARN of another region',
        'RunTask',
        { cluster: 'arn:aws:ecs:eu-west-1:111111111111:cluster/B', taskDefinition: 'web' },
        'arn:aws:ecs:eu-west-1:111111111111:cluster/B',
      ],
      ['RunTask on the default cluster', 'RunTask', { taskDefinition: 'web' }, `${ARN}:cluster/default`],
      ['DeleteCluster B', 'DeleteCluster', { cluster: 'B' }, `${ARN}:cluster/B`],
      [
        'DescribeTasks in B',
        'DescribeTasks',
        { cluster: 'B', tasks: ['0123456789abcdef0123456789abcdef'] },
        `${ARN}:task/B/0123456789abcdef0123456789abcdef`,
      ],
      [
        'StopTask in B',
        'StopTask',
        { cluster: 'B', task: `${ARN}:task/B/0123456789abcdef0123456789abcdef` },
        `${ARN}:task/B/0123456789abcdef0123456789abcdef`,
      ],
      ['ListClusters', 'ListClusters', {}, '*'],
    ])('fails on %s', async (_name, operation, body, resource) => {
      await expectDenied(key, operation, body, resource);
    });

    it('stops tasks in A (ecs:cluster condition)', async () => {
      const answer = await expectAllowed(key, 'StopTask', { cluster: 'A', task: '0123456789abcdef0123456789abcdef' });
      expect(answer.status).toBe(400);
    });
  });

  it('lets a Deny override an Allow', async () => {
    const key = await keyWith({
      Statement: [
        { Effect: 'Allow', Action: 'ecs:*', Resource: '*' },
        { Effect: 'Deny', Action: 'ecs:Delete*', Resource: `${ARN}:cluster/B` },
      ],
    });
    await expectDenied(key, 'DeleteCluster', { cluster: 'B' }, `${ARN}:cluster/B`, /with an explicit deny/);
    expect((await call(key, 'CreateCluster', { clusterName: 'scratch' })).status).toBe(200);
    expect((await call(key, 'DeleteCluster', { cluster: 'scratch' })).status).toBe(200);
  });

  it('denies by default: a key whose policy allows nothing relevant', async () => {
    const key = await keyWith({ Statement: [{ Effect: 'Allow', Action: 'ecs:ListClusters', Resource: '*' }] });
    expect((await call(key, 'ListClusters', {})).status).toBe(200);
    await expectDenied(key, 'DescribeClusters', { clusters: ['A'] }, `${ARN}:cluster/A`);
  });

  it('evaluates aws:ResourceTag conditions against the cluster’s tags', async () => {
    const key = await keyWith({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ecs:RunTask',
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/env': 'dev' } },
        },
        { Effect: 'Allow', Action: 'ecs:RunTask', Resource: `${ARN}:task-definition/*` },
      ],
    });
    expect((await expectAllowed(key, 'RunTask', { cluster: 'A', taskDefinition: 'web' })).message).toMatch(
      /No Container Instances/,
    );
    await expectDenied(key, 'RunTask', { cluster: 'B', taskDefinition: 'web' }, `${ARN}:cluster/B`);
  });

  it('evaluates aws:RequestTag and aws:TagKeys conditions against the request’s tags', async () => {
    const key = await keyWith({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ecs:CreateCluster',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:RequestTag/team': 'blue' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] },
          },
        },
      ],
    });
    expect(
      (await call(key, 'CreateCluster', { clusterName: 'blue', tags: [{ key: 'team', value: 'blue' }] })).status,
    ).toBe(200);
    await expectDenied(
      key,
      'CreateCluster',
      { clusterName: 'red', tags: [{ key: 'team', value: 'red' }] },
      `${ARN}:cluster/red`,
    );
    await expectDenied(key, 'CreateCluster', { clusterName: 'untagged' }, `${ARN}:cluster/untagged`);
    await expectDenied(
      key,
      'CreateCluster',
      {
        clusterName: 'extra',
        tags: [
          { key: 'team', value: 'blue' },
          { key: 'cost', value: 'x' },
        ],
      },
      `${ARN}:cluster/extra`,
    );
  });

  it('evaluates ecs:task-definition conditions on RunTask', async () => {
    const key = await keyWith({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ecs:RunTask',
          Resource: [`${ARN}:cluster/A`, `${ARN}:task-definition/*`],
          Condition: { ArnLike: { 'ecs:task-definition': `${ARN}:task-definition/web:*` } },
        },
      ],
    });
    await expectAllowed(key, 'RunTask', { cluster: 'A', taskDefinition: 'web' });
    await expectAllowed(key, 'RunTask', { cluster: 'A', taskDefinition: 'web:1' });
    await expectDenied(key, 'RunTask', { cluster: 'A', taskDefinition: 'other' }, `${ARN}:cluster/A`);
  });

  it('records a denied call in the audit log with who, what, where and the response’s request id', async () => {
    const key = await keyWith({ Statement: [{ Effect: 'Allow', Action: 'ecs:List*', Resource: '*' }] });
    const answer = await expectDenied(key, 'DeleteCluster', { cluster: 'A' }, `${ARN}:cluster/A`);
    const { records } = await berth.security.admin.readAudit({
      since: new Date(Date.now() - 60_000).toISOString(),
      limit: 1000,
    });
    const record = records.find((r) => r.requestId === answer.requestId);
    expect(record).toMatchObject({
      principal: `arn:aws:berth:us-east-1:000000000000:access-key/${key.accessKeyId}`,
      accessKeyId: key.accessKeyId,
      action: 'ecs:DeleteCluster',
      resources: [`${ARN}:cluster/A`],
      outcome: 'denied',
      errorCode: 'AccessDeniedException',
    });
  });

  describe('the admin API', () => {
    async function admin(credentials: Credentials, method: string, path: string, body?: unknown) {
      const { url, init } = await sign({
        credentials,
        date: new Date(),
        method,
        path,
        ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const response = await berth.app.request(url, init);
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    }

    it('refuses key management to a key without berth: actions', async () => {
      const key = await keyWith({ Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }] });
      const answer = await admin(key, 'POST', '/admin/v1/access-keys', { admin: true });
      expect(answer).toMatchObject({ status: 403, json: { __type: 'AccessDeniedException' } });
      expect(String(answer.json.message)).toMatch(/berth:CreateAccessKey/);
    });

    it('lets a policy allow rotating one named key and no other', async () => {
      const other = await keyWith({ Statement: [{ Effect: 'Allow', Action: 'ecs:List*', Resource: '*' }] });
      // A key may name its own ARN only once it exists, so the policy names a key made for the purpose.
      const target = await keyWith({ Statement: [{ Effect: 'Allow', Action: 'ecs:List*', Resource: '*' }] });
      const rotator = await keyWith({
        Statement: [
          {
            Effect: 'Allow',
            Action: 'berth:RotateAccessKey',
            Resource: `arn:aws:berth:us-east-1:000000000000:access-key/${target.accessKeyId}`,
          },
        ],
      });
      expect((await admin(rotator, 'POST', `/admin/v1/access-keys/${other.accessKeyId}/rotate`)).status).toBe(403);
      const rotated = await admin(rotator, 'POST', `/admin/v1/access-keys/${target.accessKeyId}/rotate`);
      expect(rotated).toMatchObject({
        status: 200,
        json: { replaced: { accessKeyId: target.accessKeyId, status: 'Inactive' } },
      });
    });

    it('answers unknown keys and bad input with ECS-shaped errors', async () => {
      expect(await admin(berth.adminKey, 'POST', '/admin/v1/access-keys/BKIAAAAAAAAAAAAAAAAA/disable')).toMatchObject({
        status: 404,
        json: { __type: 'NoSuchEntityException' },
      });
      expect(
        await admin(berth.adminKey, 'POST', '/admin/v1/access-keys', {
          policy: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
        }),
      ).toMatchObject({
        status: 400,
        json: { __type: 'InvalidParameterException' },
      });
      expect(
        await admin(berth.adminKey, 'POST', '/admin/v1/access-keys', { admin: true, policy: { Statement: [] } }),
      ).toMatchObject({ status: 400 });
    });

    it('never lists a secret', async () => {
      const answer = await admin(berth.adminKey, 'GET', '/admin/v1/access-keys');
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.json)).not.toContain(berth.adminKey.secretAccessKey);
      expect(JSON.stringify(answer.json)).not.toMatch(/secret|ciphertext/i);
    });
  });
});
