import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSServiceException,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusters, services } from '#shared/domain/collections.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';

const ARN = 'arn:aws:ecs:us-east-1:000000000000';
const CLUSTER_ARN = `${ARN}:cluster/strict`;

/**
 * Refused tagging requests: each gets ECS's error type, a message naming
 * what is wrong, a 4xx, and leaves the resource's item as it was (same
 * version, same tags).
 */
describe('tags: bad input', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'strict', tags: [{ key: 'keep', value: 'me' }] }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'plain',
        containerDefinitions: [{ name: 'c', image: 'busybox', memory: 32 }],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: 'strict',
        serviceName: 'svc',
        taskDefinition: 'plain',
        tags: [{ key: 'berth:on-disconnect', value: 'wait' }],
      }),
    );
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function refused(send: () => Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
    const before = await berth.ctx.store.get(clusters, clusters.key('strict'));
    const error = await send().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ECSServiceException);
    const e = error as ECSServiceException;
    expect(e.$metadata.httpStatusCode).toBeGreaterThanOrEqual(400);
    expect(e.$metadata.httpStatusCode).toBeLessThan(500);
    const after = await berth.ctx.store.get(clusters, clusters.key('strict'));
    expect(after?.version).toBe(before?.version);
    expect(after?.value.tags).toEqual([{ key: 'keep', value: 'me' }]);
    return { name: e.name, message: e.message };
  }

  const tag = (resourceArn: string, tags: { key: string; value?: string }[]) => () =>
    berth.ecs.send(new TagResourceCommand({ resourceArn, tags }));

  it.each([
    ['an aws: key', tag(CLUSTER_ARN, [{ key: 'AWS:owner', value: 'x' }]), 'InvalidParameterException', /AWS:owner/],
    ['an empty key', tag(CLUSTER_ARN, [{ key: '', value: 'x' }]), 'InvalidParameterException', /tags/],
    ['a 129-character key', tag(CLUSTER_ARN, [{ key: 'k'.repeat(129) }]), 'InvalidParameterException', /tags/],
    [
      'a 257-character value',
      tag(CLUSTER_ARN, [{ key: 'k', value: 'v'.repeat(257) }]),
      'InvalidParameterException',
      /tags/,
    ],
    ['a key with a forbidden character', tag(CLUSTER_ARN, [{ key: 'a*b' }]), 'InvalidParameterException', /tags/],
    [
      'a 51st tag',
      tag(
        CLUSTER_ARN,
        Array.from({ length: 50 }, (_, i) => ({ key: `n${i}`, value: '' })),
      ),
      'InvalidParameterException',
      /at most 50 tags/,
    ],
    ['a malformed ARN', tag('arn:nonsense', [{ key: 'k' }]), 'InvalidParameterException', /resourceArn/],
    ['a name instead of an ARN', tag('strict', [{ key: 'k' }]), 'InvalidParameterException', /ARN provided is invalid/],
    [
      'an ARN of another region',
      tag('arn:aws:ecs:eu-west-1:000000000000:cluster/strict', [{ key: 'k' }]),
      'InvalidParameterException',
      /not in this deployment/,
    ],
    [
      'an ARN of another account',
      tag('arn:aws:ecs:us-east-1:111111111111:cluster/strict', [{ key: 'k' }]),
      'InvalidParameterException',
      /not in this deployment/,
    ],
    [
      'an unknown resource type',
      tag(`${ARN}:capacity-provider/x`, [{ key: 'k' }]),
      'InvalidParameterException',
      /invalid/,
    ],
    ['a short service ARN', tag(`${ARN}:service/svc`, [{ key: 'k' }]), 'InvalidParameterException', /Long arn format/],
    [
      'a task definition without revision',
      tag(`${ARN}:task-definition/plain`, [{ key: 'k' }]),
      'InvalidParameterException',
      /revision/,
    ],
    [
      'an unknown cluster',
      tag(`${ARN}:cluster/nowhere`, [{ key: 'k' }]),
      'ClusterNotFoundException',
      /Cluster not found/,
    ],
    [
      'a service of an unknown cluster',
      tag(`${ARN}:service/nowhere/svc`, [{ key: 'k' }]),
      'ClusterNotFoundException',
      /Cluster not found/,
    ],
    [
      'an unknown task',
      tag(`${ARN}:task/strict/0123456789abcdef`, [{ key: 'k' }]),
      'ResourceNotFoundException',
      /could not be found/,
    ],
    [
      'an unknown task definition revision',
      tag(`${ARN}:task-definition/plain:9`, [{ key: 'k' }]),
      'ResourceNotFoundException',
      /could not be found/,
    ],
    [
      'untagging an aws: key',
      () => berth.ecs.send(new UntagResourceCommand({ resourceArn: CLUSTER_ARN, tagKeys: ['aws:ecs:clusterName'] })),
      'InvalidParameterException',
      /aws:ecs:clusterName/,
    ],
    [
      'listing an unknown container instance',
      () => berth.ecs.send(new ListTagsForResourceCommand({ resourceArn: `${ARN}:container-instance/strict/nope` })),
      'ResourceNotFoundException',
      /could not be found/,
    ],
    [
      'RunTask propagating from a service',
      () =>
        berth.ecs.send(new RunTaskCommand({ cluster: 'strict', taskDefinition: 'plain', propagateTags: 'SERVICE' })),
      'InvalidParameterException',
      /propagateTags/,
    ],
    [
      'RunTask with an aws: tag',
      () =>
        berth.ecs.send(
          new RunTaskCommand({ cluster: 'strict', taskDefinition: 'plain', tags: [{ key: 'aws:x', value: 'y' }] }),
        ),
      'InvalidParameterException',
      /aws:x/,
    ],
  ])('refuses %s', async (_what, send, type, message) => {
    const answer = await refused(send);
    expect(answer.name).toBe(type);
    expect(answer.message).toMatch(message);
  });

  it('refuses a berth:on-disconnect tag with a value it does not know, and keeps the service as it was', async () => {
    const key = services.key('strict', 'svc');
    const before = await berth.ctx.store.get(services, key);
    const answer = await refused(
      tag(`${ARN}:service/strict/svc`, [{ key: 'berth:on-disconnect', value: 'sometimes' }]),
    );
    expect(answer).toMatchObject({ name: 'InvalidParameterException' });
    expect(answer.message).toMatch(/berth:on-disconnect must be 'replace' or 'wait'/);
    const after = await berth.ctx.store.get(services, key);
    expect(after?.version).toBe(before?.version);
    expect(after?.value.onDisconnect).toBe('wait');
  });

  it('follows berth:on-disconnect when it is tagged or untagged', async () => {
    const key = services.key('strict', 'svc');
    await berth.ecs.send(
      new UntagResourceCommand({ resourceArn: `${ARN}:service/strict/svc`, tagKeys: ['berth:on-disconnect'] }),
    );
    expect((await berth.ctx.store.get(services, key))?.value.onDisconnect).toBe('replace');
    await berth.ecs.send(
      new TagResourceCommand({
        resourceArn: `${ARN}:service/strict/svc`,
        tags: [{ key: 'berth:on-disconnect', value: 'wait' }],
      }),
    );
    expect((await berth.ctx.store.get(services, key))?.value.onDisconnect).toBe('wait');
  });
});
