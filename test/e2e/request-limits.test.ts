import {
  ClientException,
  CreateClusterCommand,
  InvalidParameterException,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ContainerOverride,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startBerth } from '../support/berth.ts';

const TARGET = 'AmazonEC2ContainerServiceV20141113.';
const CLUSTER = 'limits';

/**
 * Requests too large, too deep or asking for limits a task definition could
 * not have: each is refused with an ECS-shaped 4xx naming the limit, and
 * nothing is written.
 */
describe('request limits', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'limited',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 128, memoryReservation: 64 }],
      }),
    );
    await registerInstance(berth, CLUSTER, { cpu: 4096, memory: 4096 });
    await berth.queue.whenIdle(10_000);
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function raw(target: string, body: string): Promise<{ status: number; type?: string; message: string }> {
    const response = await berth.fetch(berth.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}${target}` },
      body,
    });
    const text = await response.text();
    const json = JSON.parse(text) as { message?: string };
    return {
      status: response.status,
      type: response.headers.get('x-amzn-errortype') ?? undefined,
      message: json.message ?? '',
    };
  }

  async function definitionArns(): Promise<string[]> {
    return (await berth.ecs.send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns ?? [];
  }

  /** Runs `attempt`, expecting it to be refused without a single write. */
  async function refusedWithoutWrites<T>(attempt: () => Promise<T>): Promise<unknown> {
    const writes = berth.ctx.store.stats.writes;
    const error = await attempt().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    expect(berth.ctx.store.stats.writes).toBe(writes);
    return error;
  }

  it('refuses a task definition over 64 KiB with ClientException naming the limit', async () => {
    const before = await definitionArns();
    const error = await refusedWithoutWrites(() =>
      berth.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'huge',
          containerDefinitions: [
            {
              name: 'app',
              image: 'busybox',
              memory: 64,
              environment: [{ name: 'BIG', value: 'x'.repeat(500 * 1024) }],
            },
          ],
        }),
      ),
    );
    expect(error).toBeInstanceOf(ClientException);
    expect((error as Error).message).toMatch(/64 KiB/);
    expect(await definitionArns()).toEqual(before);
  });

  it('refuses a logConfiguration nested thousands deep with ClientException, not a ServerException', async () => {
    const before = await definitionArns();
    const depth = 5000;
    const nested = `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;
    const body = `{"family":"deep","containerDefinitions":[{"name":"app","image":"busybox","memory":64,"logConfiguration":{"logDriver":"json-file","options":${nested}}}]}`;
    const writes = berth.ctx.store.stats.writes;
    const answer = await raw('RegisterTaskDefinition', body);
    expect(answer).toMatchObject({ status: 400, type: 'ClientException' });
    expect(answer.message).toMatch(/at most 32 levels/);
    expect(berth.ctx.store.stats.writes).toBe(writes);
    expect(await definitionArns()).toEqual(before);
  });

  it.each([
    ['options nested a few levels', { logDriver: 'json-file', options: { a: { b: { c: 'd' } } } }],
    ['an unknown log driver', { logDriver: 'carrier-pigeon' }],
    ['an unknown key', { logDriver: 'json-file', colour: 'blue' }],
  ])('refuses a logConfiguration with %s as a 4xx', async (_what, logConfiguration) => {
    const before = await definitionArns();
    const body = {
      family: 'oddlog',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, logConfiguration }],
    };
    const writes = berth.ctx.store.stats.writes;
    const answer = await raw('RegisterTaskDefinition', JSON.stringify(body));
    expect(answer.status).toBe(400);
    expect(['ClientException', 'InvalidParameterException']).toContain(answer.type);
    expect(answer.message).toMatch(/logConfiguration/);
    expect(berth.ctx.store.stats.writes).toBe(writes);
    expect(await definitionArns()).toEqual(before);
  });

  it('accepts a well-formed logConfiguration, docker labels and volume configuration', async () => {
    const registered = await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'logged',
        containerDefinitions: [
          {
            name: 'app',
            image: 'busybox',
            memory: 64,
            dockerLabels: { team: 'a' },
            logConfiguration: { logDriver: 'json-file', options: { 'max-size': '1m' } },
          },
        ],
        volumes: [
          { name: 'v', dockerVolumeConfiguration: { scope: 'task', driver: 'local', driverOpts: { type: 'tmpfs' } } },
        ],
      }),
    );
    expect(registered.taskDefinition?.containerDefinitions?.[0]?.logConfiguration).toEqual({
      logDriver: 'json-file',
      options: { 'max-size': '1m' },
    });
  });

  it('answers a 10 MB request body with 413 in dev mode and writes nothing', async () => {
    const before = await definitionArns();
    const body = JSON.stringify({
      family: 'tenmegs',
      containerDefinitions: [
        {
          name: 'app',
          image: 'busybox',
          memory: 64,
          environment: [{ name: 'X', value: 'x'.repeat(10 * 1024 * 1024) }],
        },
      ],
    });
    const writes = berth.ctx.store.stats.writes;
    const answer = await raw('RegisterTaskDefinition', body);
    expect(answer).toMatchObject({ status: 413, type: 'ClientException' });
    expect(berth.ctx.store.stats.writes).toBe(writes);
    expect(await definitionArns()).toEqual(before);
  });

  it.each([
    [
      'RunTask with six placement strategies',
      'RunTask',
      {
        cluster: CLUSTER,
        taskDefinition: 'limited',
        placementStrategy: Array.from({ length: 6 }, () => ({ type: 'random' })),
      },
      /placementStrategy/,
    ],
    [
      'RunTask with eleven placement constraints',
      'RunTask',
      {
        cluster: CLUSTER,
        taskDefinition: 'limited',
        placementConstraints: Array.from({ length: 11 }, () => ({ type: 'distinctInstance' })),
      },
      /placementConstraints/,
    ],
    [
      'CreateService with six placement strategies',
      'CreateService',
      {
        cluster: CLUSTER,
        serviceName: 's',
        taskDefinition: 'limited',
        placementStrategy: Array.from({ length: 6 }, () => ({ type: 'random' })),
      },
      /placementStrategy/,
    ],
  ])('refuses %s (ECS allows five strategies and ten constraints)', async (_what, target, body, message) => {
    const writes = berth.ctx.store.stats.writes;
    const answer = await raw(target, JSON.stringify(body));
    expect(answer).toMatchObject({ status: 400, type: 'InvalidParameterException' });
    expect(answer.message).toMatch(message);
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });

  describe('RunTask overrides meet the task definition bounds', () => {
    async function taskCount(): Promise<number> {
      return (await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER }))).taskArns?.length ?? 0;
    }

    it.each<[string, ContainerOverride, typeof ClientException | typeof InvalidParameterException, RegExp]>([
      ['memory 0', { name: 'app', memory: 0 }, InvalidParameterException, /containerOverrides\.0\.memory/],
      ['memory below 6 MiB', { name: 'app', memory: 5 }, InvalidParameterException, /containerOverrides\.0\.memory/],
      ['memoryReservation 0', { name: 'app', memoryReservation: 0 }, InvalidParameterException, /memoryReservation/],
      ['negative cpu', { name: 'app', cpu: -1 }, InvalidParameterException, /containerOverrides\.0\.cpu/],
      [
        'memory below the reservation',
        { name: 'app', memory: 32 },
        ClientException,
        /memoryReservation \(64\).*memory \(32\)/,
      ],
      ['an unknown container', { name: 'ghost', memory: 64 }, InvalidParameterException, /ghost/],
      ['overrides over 8192 characters', { name: 'app', command: ['x'.repeat(9000)] }, ClientException, /8192/],
    ])('refuses %s and runs nothing', async (_what, override, type, message) => {
      const before = await taskCount();
      const error = await refusedWithoutWrites(() =>
        berth.ecs.send(
          new RunTaskCommand({
            cluster: CLUSTER,
            taskDefinition: 'limited',
            overrides: { containerOverrides: [override] },
          }),
        ),
      );
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
      expect(await taskCount()).toBe(before);
    });

    it.each([
      ['task memory "0"', { memory: '0' }, /overrides\.memory/],
      ['task cpu "lots"', { cpu: 'lots' }, /overrides\.cpu/],
    ])('refuses %s and runs nothing', async (_what, overrides, message) => {
      const before = await taskCount();
      const error = await refusedWithoutWrites(() =>
        berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'limited', overrides })),
      );
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect((error as Error).message).toMatch(message);
      expect(await taskCount()).toBe(before);
    });

    it('runs a task whose overrides are within bounds', async () => {
      const run = await berth.ecs.send(
        new RunTaskCommand({
          cluster: CLUSTER,
          taskDefinition: 'limited',
          overrides: { containerOverrides: [{ name: 'app', memory: 256, memoryReservation: 128 }] },
        }),
      );
      expect(run.failures).toEqual([]);
      expect(run.tasks?.[0]?.containers?.[0]).toMatchObject({ memory: '256', memoryReservation: '128' });
    });
  });
});
