import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusters } from '#shared/domain/collections.ts';
import type { SecureBerth } from './support/secure-berth.ts';
import { ecsCaller, keyWithPolicy, startTwoClusterBerth } from './support/policy-calls.ts';
import type { Credentials } from './support/signing.ts';

const ARN = 'arn:aws:ecs:us-east-1:000000000000';

/**
 * The tagging operations are authorised as `ecs:TagResource`,
 * `ecs:UntagResource` and `ecs:ListTagsForResource` on the tagged
 * resource's ARN, with `ecs:cluster`; and what they change is what an
 * `aws:ResourceTag/...` condition reads next.
 */
describe('authorisation of tagging', () => {
  let berth: SecureBerth;

  beforeAll(async () => {
    berth = await startTwoClusterBerth();
  });
  afterAll(async () => {
    await berth?.close();
  });

  const call = ecsCaller(() => berth);
  const keyWith = keyWithPolicy(() => berth);

  const tagsOf = async (name: string) => (await berth.ctx.store.get(clusters, clusters.key(name)))?.value.tags;

  it('lets a key scoped to one cluster tag that cluster and its resources, and nothing of another', async () => {
    const key = await keyWith({
      Statement: [
        {
          Effect: 'Allow',
          Action: ['ecs:TagResource', 'ecs:UntagResource', 'ecs:ListTagsForResource'],
          Resource: `${ARN}:cluster/A`,
        },
        {
          Effect: 'Allow',
          Action: ['ecs:TagResource', 'ecs:UntagResource', 'ecs:ListTagsForResource'],
          Resource: '*',
          Condition: { StringEquals: { 'ecs:cluster': `${ARN}:cluster/A` } },
        },
      ],
    });
    const tagA = await call(key, 'TagResource', {
      resourceArn: `${ARN}:cluster/A`,
      tags: [{ key: 'by', value: 'key' }],
    });
    expect(tagA.status).toBe(200);
    expect(await tagsOf('A')).toContainEqual({ key: 'by', value: 'key' });
    expect((await call(key, 'ListTagsForResource', { resourceArn: `${ARN}:cluster/A` })).status).toBe(200);
    // A service in A is in scope: the answer is about the service, not the key.
    expect((await call(key, 'TagResource', { resourceArn: `${ARN}:service/A/none`, tags: [{ key: 'k' }] })).type).toBe(
      'ResourceNotFoundException',
    );

    for (const [operation, body, resource] of [
      ['TagResource', { resourceArn: `${ARN}:cluster/B`, tags: [{ key: 'by', value: 'key' }] }, `${ARN}:cluster/B`],
      ['UntagResource', { resourceArn: `${ARN}:cluster/B`, tagKeys: ['env'] }, `${ARN}:cluster/B`],
      ['ListTagsForResource', { resourceArn: `${ARN}:cluster/B` }, `${ARN}:cluster/B`],
      ['TagResource', { resourceArn: `${ARN}:service/B/svc`, tags: [{ key: 'k' }] }, `${ARN}:service/B/svc`],
      ['TagResource', { resourceArn: `${ARN}:task/B/abc`, tags: [{ key: 'k' }] }, `${ARN}:task/B/abc`],
      [
        'TagResource',
        { resourceArn: `${ARN}:container-instance/B/abc`, tags: [{ key: 'k' }] },
        `${ARN}:container-instance/B/abc`,
      ],
    ] as const) {
      const answer = await call(key, operation, body);
      expect(answer).toMatchObject({ status: 403, type: 'AccessDeniedException' });
      expect(answer.message).toContain(`ecs:${operation} on resource: ${resource}`);
    }
    expect(await tagsOf('B')).toEqual([{ key: 'env', value: 'prod' }]);
  });

  it('reads the tags TagResource and UntagResource changed in aws:ResourceTag conditions', async () => {
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
    expect((await call(key, 'RunTask', { cluster: 'B', taskDefinition: 'web' })).type).toBe('AccessDeniedException');
    await call(berth.adminKey, 'TagResource', {
      resourceArn: `${ARN}:cluster/B`,
      tags: [{ key: 'env', value: 'dev' }],
    });
    // Allowed now; B simply has no instance to run on.
    expect((await call(key, 'RunTask', { cluster: 'B', taskDefinition: 'web' })).message).toMatch(
      /No Container Instances/,
    );
    await call(berth.adminKey, 'UntagResource', { resourceArn: `${ARN}:cluster/B`, tagKeys: ['env'] });
    expect((await call(key, 'RunTask', { cluster: 'B', taskDefinition: 'web' })).type).toBe('AccessDeniedException');
  });
});
