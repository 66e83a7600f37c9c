import { CreateClusterCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainCommand } from '#cli/explain.ts';
import { explainPlacementResponse, type ExplainPlacementResponse } from '#shared/schemas/explain-placement.ts';
import { registerInstance, startBerth } from '../support/berth.ts';

/**
 * The placement dry run, over HTTP against dev mode and through the
 * `berth explain` command: per task the chosen instance and its scores, or
 * the reasons with per-instance details; and never a write.
 */
describe('explain-placement', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  const zoneOf = new Map<string, string>();
  let small: string;

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'dry' }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 256, cpu: 128, essential: true }],
      }),
    );
    const sizes: [string, number][] = [
      ['zone-a', 1024],
      ['zone-b', 1024],
      ['zone-c', 1024],
      ['zone-c', 128],
    ];
    for (const [zone, memory] of sizes) {
      const registered = await registerInstance(
        berth,
        'dry',
        { cpu: 2048, memory },
        {
          attributes: [{ name: 'ecs.availability-zone', value: zone }],
        },
      );
      zoneOf.set(registered.containerInstanceArn, zone);
      if (memory === 128) small = registered.containerInstanceArn;
    }
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function explain(body: unknown, send: typeof fetch = berth.fetch): Promise<{ status: number; json: unknown }> {
    const response = await send(`${berth.endpoint}/berth/v1/explain-placement`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  async function plan(body: unknown): Promise<ExplainPlacementResponse> {
    const { status, json } = await explain(body);
    expect(status).toBe(200);
    return explainPlacementResponse.parse(json);
  }

  it('spreads by zone, shows the scores and why the small instance is out, and writes nothing', async () => {
    const writes = berth.ctx.store.stats.writes;
    const answer = await plan({
      cluster: 'dry',
      taskDefinition: 'web',
      count: 3,
      placementStrategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
    });
    expect(berth.ctx.store.stats.writes).toBe(writes);
    expect(answer).toMatchObject({
      cluster: 'dry',
      group: 'family:web',
      instances: 4,
      demand: { cpu: 128, memory: 256 },
    });
    const zones = answer.tasks.map((t) => (t.placed ? zoneOf.get(t.containerInstanceArn) : undefined));
    expect(new Set(zones)).toEqual(new Set(['zone-a', 'zone-b', 'zone-c']));
    for (const task of answer.tasks) {
      expect(task.placed).toBe(true);
      if (!task.placed) continue;
      expect(task.scores.map((s) => [s.type, s.field])).toEqual([
        ['spread', 'attribute:ecs.availability-zone'],
        ['binpack', 'memory'],
      ]);
      expect(task.scores[0]?.score).toBe(1); // each went to a zone with no task of the group yet
      expect(task.rejected).toEqual([
        {
          reason: 'RESOURCE:MEMORY',
          count: 1,
          example: expect.any(String),
          instances: [{ containerInstanceArn: small, detail: expect.stringMatching(/256/) }],
        },
      ]);
    }
    const [first] = answer.tasks;
    expect(first?.placed && first.candidates).toBe(3);
  });

  it('explains a task that fits nowhere with counts and per-instance details', async () => {
    const answer = await plan({
      cluster: 'dry',
      taskDefinition: 'web',
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone == zone-z' }],
    });
    const [task] = answer.tasks;
    expect(task?.placed).toBe(false);
    if (task?.placed !== false) return;
    expect(task.message).toMatch(/No container instance met all requirements/);
    expect(task.reasons.map((r) => [r.reason, r.count])).toEqual([
      ['ATTRIBUTE', 3],
      ['RESOURCE:MEMORY', 1],
    ]);
    expect(task.reasons[0]?.instances).toHaveLength(3);
    expect(task.reasons[0]?.instances.every((i) => zoneOf.has(i.containerInstanceArn) && i.detail.length > 0)).toBe(
      true,
    );
  });

  it('sees the reservations of the tasks before it', async () => {
    const answer = await plan({
      cluster: 'dry',
      taskDefinition: 'web',
      count: 5,
      group: 'pinned',
      placementConstraints: [{ type: 'distinctInstance' }],
    });
    expect(answer.tasks.map((t) => t.placed)).toEqual([true, true, true, false, false]);
    const last = answer.tasks[4];
    if (last?.placed !== false) throw new Error('expected the fifth task unplaced');
    expect(last.reasons.map((r) => [r.reason, r.count])).toEqual([
      ['DISTINCT_INSTANCE', 3],
      ['RESOURCE:MEMORY', 1],
    ]);
  });

  it.each([
    ['an unknown cluster', { cluster: 'nope', taskDefinition: 'web' }, 'ClusterNotFoundException'],
    ['an unknown field', { cluster: 'dry', taskDefinition: 'web', colour: 'red' }, 'ClientException'],
    [
      'a malformed expression',
      {
        cluster: 'dry',
        taskDefinition: 'web',
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:x ==' }],
      },
      'InvalidParameterException',
    ],
    ['too many tasks', { cluster: 'dry', taskDefinition: 'web', count: 11 }, 'InvalidParameterException'],
    ['a task that does not exist', { cluster: 'dry', task: '0123456789abcdef' }, 'InvalidParameterException'],
    [
      'a task in a cluster that does not exist',
      { cluster: 'nowhere', task: '0123456789abcdef' },
      'ClusterNotFoundException',
    ],
    ['a task with RunTask members beside it', { cluster: 'dry', task: 'abc', count: 1 }, 'ClientException'],
  ])('refuses %s as the ECS endpoint would', async (_what, body, type) => {
    const { status, json } = await explain(body);
    expect(status).toBe(400);
    expect(json).toMatchObject({ __type: type, message: expect.any(String) });
  });

  it('refuses an unsigned request, as every ECS call is', async () => {
    const { status, json } = await explain({ cluster: 'dry', taskDefinition: 'web' }, fetch);
    expect(status).toBe(403);
    expect(json).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  describe('berth explain', () => {
    function io() {
      const out: string[] = [];
      const err: string[] = [];
      return {
        out,
        err,
        io: {
          stdout: (t: string) => void out.push(t),
          stderr: (t: string) => void err.push(t),
          env: { BERTH_ENDPOINT: berth.endpoint },
          fetch: berth.fetch,
        },
      };
    }

    it('prints the plan for a person', async () => {
      const run = io();
      const code = await explainCommand(
        [
          '--cluster',
          'dry',
          '--task-definition',
          'web',
          '--count',
          '2',
          '--strategy',
          'spread:attribute:ecs.availability-zone',
        ],
        run.io,
      );
      expect(run.err.join('')).toBe('');
      expect(code).toBe(0);
      const text = run.out.join('');
      expect(text).toMatch(/^task 1: arn:aws:ecs:.*:container-instance\/dry\//m);
      expect(text).toMatch(/^task 2: arn:aws:ecs:/m);
      expect(text).toMatch(/spread\(attribute:ecs.availability-zone\)=1/);
      expect(text).toMatch(/not on 1 instance\(s\): RESOURCE:MEMORY/);
    });

    it('prints JSON with --json, and the service error on a refusal', async () => {
      const json = io();
      expect(await explainCommand(['--cluster', 'dry', '--task-definition', 'web', '--json'], json.io)).toBe(0);
      expect(explainPlacementResponse.parse(JSON.parse(json.out.join(''))).tasks).toHaveLength(1);
      const refused = io();
      expect(await explainCommand(['--cluster', 'nope', '--task-definition', 'web'], refused.io)).toBe(1);
      expect(refused.err.join('')).toMatch(/ClusterNotFoundException/);
      const usage = io();
      expect(await explainCommand(['--cluster', 'dry'], usage.io)).toBe(2);
      expect(usage.err.join('')).toMatch(/--task-definition is required/);
    });
  });
});
