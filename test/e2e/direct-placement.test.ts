import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAssignments } from '#shared/control/assignments.ts';
import { containerInstances } from '#shared/domain/collections.ts';
import { pollResponse, taskStateReportsResponse } from '#shared/schemas/agent-api.ts';
import { registerInstance, startBerth, type TestBerth } from '../support/berth.ts';
import { startHollowFleet } from '../support/hollow-fleet.ts';
import { waitFor } from '../support/wait.ts';

/**
 * RunTask places directly (group commit over a remembered fleet), polls
 * wait for a change and carry the new tasks' specs, and many reports travel
 * in one request: what the agent protocol and the placement path promise.
 */
describe('direct placement and the long-poll agent protocol', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'small',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 128, cpu: 128, essential: true }],
      }),
    );
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('commits 20 concurrent RunTasks of 10 onto 8 agents without over-committing an instance', async () => {
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'burst' }));
    // 8 x 1024 cpu at 128 a task: room for exactly 64 tasks.
    const fleet = await startHollowFleet({
      endpoint: berth.endpoint,
      cluster: 'burst',
      count: 8,
      registrationToken: await berth.registrationToken('burst', { uses: 8 }),
      resources: { cpu: 1024, memory: 8192 },
      pollIntervalMs: 60_000,
      longPollSeconds: 5,
    });
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          berth.ecs.send(new RunTaskCommand({ cluster: 'burst', taskDefinition: 'small', count: 10 })),
        ),
      );
      const placed = answers.flatMap((a) => a.tasks ?? []);
      expect(placed).toHaveLength(64);
      expect(new Set(placed.map((t) => t.taskArn)).size).toBe(64);
      expect(placed.every((t) => t.lastStatus === 'PENDING' && t.containerInstanceArn !== undefined)).toBe(true);
      // Every task that did not fit is answered with ECS's reason, none is lost.
      const failed = answers.filter((a) => (a.tasks ?? []).length < 10);
      expect(failed.every((a) => (a.failures ?? []).some((f) => f.reason === 'RESOURCE:CPU'))).toBe(true);

      const arns =
        (await berth.ecs.send(new ListContainerInstancesCommand({ cluster: 'burst' }))).containerInstanceArns ?? [];
      const instances = await berth.ecs.send(
        new DescribeContainerInstancesCommand({ cluster: 'burst', containerInstances: arns }),
      );
      for (const instance of instances.containerInstances ?? []) {
        const cpu = instance.remainingResources?.find((r) => r.name === 'CPU')?.integerValue;
        expect(cpu).toBe(0);
        const here = placed.filter((t) => t.containerInstanceArn === instance.containerInstanceArn).length;
        expect(here).toBe(8);
      }
      // No agent polls on a timer here (60 s): only the held polls, woken by
      // the placement, can have brought the tasks. Their specs come in the
      // answers (a poll that reads an assignment whose task a concurrent
      // commit is still writing waits briefly for it; past that wait, the
      // agent fetches the spec). Quiet, this run fetches none.
      await waitFor(() => (fleet.stats.started >= 64 ? true : undefined), {
        what: '64 tasks RUNNING',
        timeoutMs: 15_000,
      });
      expect(fleet.stats.specFetches).toBeLessThan(64);
    } finally {
      await fleet.stop();
    }
  });

  it('sees an instance registered a moment ago, though the fleet was remembered', async () => {
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'growing' }));
    await registerInstance(berth, 'growing', { cpu: 128, memory: 1024 });
    const first = await berth.ecs.send(new RunTaskCommand({ cluster: 'growing', taskDefinition: 'small' }));
    expect(first.tasks).toHaveLength(1);
    const full = await berth.ecs.send(new RunTaskCommand({ cluster: 'growing', taskDefinition: 'small' }));
    expect(full.failures?.map((f) => f.reason)).toEqual(['RESOURCE:CPU']);
    const added = await registerInstance(berth, 'growing', { cpu: 128, memory: 1024 });
    const second = await berth.ecs.send(new RunTaskCommand({ cluster: 'growing', taskDefinition: 'small' }));
    expect(second.tasks?.[0]?.containerInstanceArn).toBe(added.containerInstanceArn);
  });

  describe('over raw agent HTTP', () => {
    let agent: Awaited<ReturnType<typeof registerInstance>>;
    const call = (path: string, body: unknown) =>
      fetch(`${berth.endpoint}/agent/v1/clusters/raw${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.credential.token}` },
        body: JSON.stringify(body),
      });

    beforeAll(async () => {
      await berth.ecs.send(new CreateClusterCommand({ clusterName: 'raw' }));
      agent = await registerInstance(berth, 'raw', { cpu: 4096, memory: 8192 });
    });

    it('holds a poll until the instance changes, then answers with the new tasks and their specs', async () => {
      const first = pollResponse.parse(
        await (await call(`/instances/${agent.instanceId}/poll`, { epoch: agent.epoch })).json(),
      );
      const held = call(`/instances/${agent.instanceId}/poll`, {
        epoch: agent.epoch,
        knownVersion: first.version,
        waitSeconds: 20,
        withSpecs: true,
      });
      const run = await berth.ecs.send(new RunTaskCommand({ cluster: 'raw', taskDefinition: 'small', count: 2 }));
      const answer = pollResponse.parse(await (await held).json());
      expect(answer.changed).toBe(true);
      if (!answer.changed) return;
      const ids = (run.tasks ?? []).map((t) => t.taskArn?.split('/').pop()).sort();
      expect(answer.assignments.map((a) => a.taskId).sort()).toEqual(ids);
      expect(answer.specs?.map((s) => s.taskId).sort()).toEqual(ids);
      expect(answer.specs?.[0]?.containerDefinitions[0]?.name).toBe('app');

      // A poll that already holds this version and asks for no wait is answered at once, unchanged.
      const again = pollResponse.parse(
        await (
          await call(`/instances/${agent.instanceId}/poll`, { epoch: agent.epoch, knownVersion: answer.version })
        ).json(),
      );
      expect(again).toEqual({ changed: false, version: answer.version, status: 'ACTIVE' });
    });

    it('takes many reports in one request, each on its own: applied, replayed, refused', async () => {
      const run = await berth.ecs.send(new RunTaskCommand({ cluster: 'raw', taskDefinition: 'small', count: 2 }));
      const [a, b] = (run.tasks ?? []).map((t) => t.taskArn?.split('/').pop() ?? '');
      const running = (seq: number) => ({
        seq,
        lastStatus: 'RUNNING',
        containers: [{ name: 'app', lastStatus: 'RUNNING' }],
      });
      const send = async (reports: unknown[]) =>
        taskStateReportsResponse.parse(
          await (
            await call(`/instances/${agent.instanceId}/reports`, {
              instanceId: agent.instanceId,
              epoch: agent.epoch,
              reports,
            })
          ).json(),
        );

      const first = await send([
        { taskId: a, report: running(1) },
        { taskId: b, report: running(1) },
        { taskId: 'f'.repeat(32), report: running(1) },
      ]);
      expect(first.results).toEqual([
        { taskId: a, applied: true, desiredStatus: 'RUNNING' },
        { taskId: b, applied: true, desiredStatus: 'RUNNING' },
        { taskId: 'f'.repeat(32), error: { code: 'TaskNotFound', message: expect.any(String) } },
      ]);
      // At-least-once: the same reports again change nothing.
      const replay = await send([
        { taskId: a, report: running(1) },
        { taskId: b, report: running(1) },
      ]);
      expect(replay.results.map((r) => 'applied' in r && r.applied)).toEqual([false, false]);

      const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: 'raw', tasks: [a ?? '', b ?? ''] }));
      expect(described.tasks?.map((t) => t.lastStatus)).toEqual(['RUNNING', 'RUNNING']);
    });

    it('tells an agent asking for a task assigned but not yet written to ask again', async () => {
      const key = { partition: `INSTANCE#raw`, sort: agent.instanceId };
      const item = await berth.ctx.store.get(containerInstances, key);
      if (!item) throw new Error('the instance is gone');
      const taskId = 'a'.repeat(32);
      const assignment = {
        taskId,
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/small:1',
        desiredStatus: 'RUNNING' as const,
        cpu: 0,
        memory: 0,
        ports: [],
        portsUdp: [],
      };
      expect('written' in (await addAssignments(berth.ctx, item, [assignment]))).toBe(true);
      const spec = await fetch(
        `${berth.endpoint}/agent/v1/clusters/raw/tasks/${taskId}?instanceId=${agent.instanceId}`,
        {
          headers: { authorization: `Bearer ${agent.credential.token}` },
        },
      );
      expect(spec.status).toBe(503);
      expect(await spec.json()).toMatchObject({ code: 'TaskNotReady' });
    });

    it.each([
      ['an empty batch', { reports: [] }],
      ['a report for another instance', { instanceId: 'someone-else' }],
      ['an unknown field', { extra: true }],
    ])('refuses %s with 400', async (_name, change) => {
      const response = await call(`/instances/${agent.instanceId}/reports`, {
        instanceId: agent.instanceId,
        epoch: agent.epoch,
        reports: [{ taskId: 'x', report: { seq: 1, lastStatus: 'RUNNING', containers: [] } }],
        ...change,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'BadRequest' });
    });
  });
});
