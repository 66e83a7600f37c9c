import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startBerth } from '../support/berth.ts';

const TARGET = 'AmazonEC2ContainerServiceV20141113.';

/**
 * Every bad request gets an ECS-shaped error (`__type` and message, the
 * x-amzn-ErrorType header), a 4xx status, and writes nothing: the store's
 * write counter does not move.
 */
describe('bad input at the ECS endpoint', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;

  beforeAll(async () => {
    // No background sweep: the instance below has no agent, and a sweep that
    // declared it lost mid-test would be a write the checks did not cause.
    berth = await startBerth({ BERTH_MONITOR_INTERVAL_SECONDS: '3600' });
    await call('CreateCluster', { clusterName: 'bad' });
    await call('RegisterTaskDefinition', {
      family: 'big',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 4096 }],
    });
    await registerInstance(berth, 'bad', { cpu: 1024, memory: 1024 });
    await berth.queue.whenIdle(10_000);
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function call(
    target: string,
    body: unknown,
  ): Promise<{ status: number; type?: string; json: Record<string, unknown> }> {
    const response = await berth.fetch(berth.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}${target}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    return { status: response.status, type: response.headers.get('x-amzn-errortype') ?? undefined, json };
  }

  it.each([
    ['malformed JSON', 'CreateCluster', '{"clusterName": ', 'SerializationException', /not valid JSON/],
    ['an unknown operation', 'LaunchRockets', {}, 'UnknownOperationException', /LaunchRockets/],
    [
      'a missing required field',
      'RegisterTaskDefinition',
      { family: 'x' },
      'InvalidParameterException',
      /containerDefinitions/,
    ],
    [
      'a wrong type',
      'RunTask',
      { cluster: 'bad', taskDefinition: 'big', count: 'three' },
      'InvalidParameterException',
      /count/,
    ],
    ['an unknown field', 'CreateCluster', { clusterName: 'x', colour: 'blue' }, 'ClientException', /colour/],
    [
      'an unknown cluster',
      'RunTask',
      { cluster: 'nope', taskDefinition: 'big' },
      'ClusterNotFoundException',
      /Cluster not found/,
    ],
    [
      'an unknown task definition',
      'RunTask',
      { cluster: 'bad', taskDefinition: 'missing' },
      'ClientException',
      /task definition/,
    ],
    [
      'count out of range',
      'RunTask',
      { cluster: 'bad', taskDefinition: 'big', count: 11 },
      'InvalidParameterException',
      /count/,
    ],
    [
      'an invalid nextToken',
      'ListTasks',
      { cluster: 'bad', nextToken: 'garbage' },
      'InvalidParameterException',
      /nextToken/,
    ],
    [
      'a bad placement strategy',
      'RunTask',
      { cluster: 'bad', taskDefinition: 'big', placementStrategy: [{ type: 'binpack', field: 'disk' }] },
      'ClientException',
      /./,
    ],
    [
      'a container without memory',
      'RegisterTaskDefinition',
      { family: 'y', containerDefinitions: [{ name: 'a', image: 'a' }] },
      'ClientException',
      /memory/,
    ],
    [
      'deleting a cluster with instances',
      'DeleteCluster',
      { cluster: 'bad' },
      'ClusterContainsContainerInstancesException',
      /Container Instances/,
    ],
  ])('refuses %s', async (_name, target, body, type, message) => {
    const writes = berth.ctx.store.stats.writes;
    const answer = await call(target, body);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.type).toBe(type);
    expect(answer.json.__type).toBe(type);
    expect(String(answer.json.message)).toMatch(message);
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });

  it('reports a task that fits nowhere in failures, with its reason, and writes no task', async () => {
    const writes = berth.ctx.store.stats.writes;
    const answer = await call('RunTask', { cluster: 'bad', taskDefinition: 'big', count: 2 });
    expect(answer.status).toBe(200);
    expect(answer.json.tasks).toEqual([]);
    expect(answer.json.failures).toEqual([
      expect.objectContaining({ reason: 'RESOURCE:MEMORY', arn: expect.stringMatching(/:container-instance\/bad\//) }),
    ]);
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });
});
