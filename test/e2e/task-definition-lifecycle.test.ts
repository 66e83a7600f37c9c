import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ListTaskDefinitionsCommandInput,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startBerthWithCluster, type TestBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';
import { agentRequest } from '../support/agent-request.ts';

const STILL_ACTIVE =
  'The specified task definition is still in ACTIVE status. Please deregister the target and try again.';

/** DeleteTaskDefinitions and ListTaskDefinitions' orders and filters, through the unmodified SDK. */
describe('task definition listing and deletion', () => {
  let berth: TestBerth;

  const register = async (family: string) => {
    const answer = await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 32, essential: true }],
      }),
    );
    return answer.taskDefinition?.revision ?? 0;
  };
  const names = (arns: string[] | undefined) => (arns ?? []).map((a) => a.replace(/^.*task-definition\//, ''));
  const listAll = async (input: ListTaskDefinitionsCommandInput) => {
    const all: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await berth.ecs.send(new ListTaskDefinitionsCommand({ ...input, maxResults: 2, nextToken }));
      all.push(...names(page.taskDefinitionArns));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return all;
  };

  beforeAll(async () => {
    berth = await startBerthWithCluster('defs');
    for (const family of ['ord-a', 'ord-a', 'ord-a', 'ord-b', 'ord-b']) await register(family);
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('lists ASC by default and DESC reversed, across pages', async () => {
    const asc = (await listAll({ familyPrefix: 'ord-a' })).concat(await listAll({ familyPrefix: 'ord-b' }));
    expect(asc).toEqual(['ord-a:1', 'ord-a:2', 'ord-a:3', 'ord-b:1', 'ord-b:2']);
    const all = await listAll({ sort: 'DESC' });
    expect(all.filter((n) => n.startsWith('ord-'))).toEqual(['ord-b:2', 'ord-b:1', 'ord-a:3', 'ord-a:2', 'ord-a:1']);
    expect(await listAll({ sort: 'ASC' })).toEqual([...all].reverse());
  });

  it('combines familyPrefix, status and DESC', async () => {
    await berth.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'ord-a:1' }));
    await berth.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'ord-a:2' }));
    expect(await listAll({ familyPrefix: 'ord-a', status: 'INACTIVE', sort: 'DESC' })).toEqual(['ord-a:2', 'ord-a:1']);
    expect(await listAll({ familyPrefix: 'ord-a', sort: 'DESC' })).toEqual(['ord-a:3']);
  });

  it('refuses a token from the other order', async () => {
    const page = await berth.ecs.send(new ListTaskDefinitionsCommand({ maxResults: 1 }));
    await expect(
      berth.ecs.send(new ListTaskDefinitionsCommand({ sort: 'DESC', nextToken: page.nextToken })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('deletes INACTIVE revisions, reports ACTIVE and unknown ones in failures, and never reuses a revision', async () => {
    await register('gone');
    await register('gone');
    await berth.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'gone:1' }));
    await berth.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'gone:2' }));
    await register('gone');
    const answer = await berth.ecs.send(
      new DeleteTaskDefinitionsCommand({ taskDefinitions: ['gone:1', 'gone:2', 'gone:3', 'gone:9'] }),
    );
    expect(answer.taskDefinitions?.map((t) => [t.revision, t.status])).toEqual([
      [1, 'DELETE_IN_PROGRESS'],
      [2, 'DELETE_IN_PROGRESS'],
    ]);
    expect(answer.failures?.map((f) => [names([f.arn ?? ''])[0], f.reason])).toEqual([
      ['gone:3', STILL_ACTIVE],
      ['gone:9', expect.stringMatching(/does not exist/)],
    ]);
    await expect(berth.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'gone:1' }))).rejects.toMatchObject(
      { name: 'ClientException' },
    );
    expect(await listAll({ familyPrefix: 'gone', status: 'DELETE_IN_PROGRESS' })).toEqual([]);
    expect(await listAll({ familyPrefix: 'gone', status: 'INACTIVE' })).toEqual([]);

    // Deleting the newest revision too: the next registration still numbers past it.
    await berth.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'gone:3' }));
    await berth.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['gone:3'] }));
    const families = await berth.ecs.send(
      new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'gone', status: 'ALL' }),
    );
    expect(families.families).toEqual([]);
    expect(await register('gone')).toBe(4);
  });

  it(
    'keeps a revision a task still uses DELETE_IN_PROGRESS, and removes it once the task has stopped',
    { timeout: 60_000 },
    async () => {
      const instance = await registerInstance(berth, 'defs', { cpu: 1024, memory: 1024 });
      await register('busy');
      const run = await berth.ecs.send(new RunTaskCommand({ cluster: 'defs', taskDefinition: 'busy:1' }));
      expect(run.tasks).toHaveLength(1);
      await berth.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'busy:1' }));
      const answer = await berth.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['busy:1'] }));
      expect(answer.taskDefinitions?.map((t) => t.status)).toEqual(['DELETE_IN_PROGRESS']);
      const described = await berth.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'busy:1' }));
      expect(described.taskDefinition?.status).toBe('DELETE_IN_PROGRESS');
      expect(await listAll({ familyPrefix: 'busy', status: 'DELETE_IN_PROGRESS' })).toEqual(['busy:1']);
      await expect(
        berth.ecs.send(new RunTaskCommand({ cluster: 'defs', taskDefinition: 'busy:1' })),
      ).rejects.toMatchObject({ name: expect.stringMatching(/ClientException|InvalidParameterException/) });

      // Once its last task has stopped (reported as its agent would), the monitor's sweep removes it.
      const taskArn = run.tasks?.[0]?.taskArn ?? '';
      await berth.ecs.send(new StopTaskCommand({ cluster: 'defs', task: taskArn }));
      const stopped = await agentRequest(
        berth.endpoint,
        'POST',
        `/clusters/defs/tasks/${taskArn.slice(taskArn.lastIndexOf('/') + 1)}/state`,
        instance.credential.token,
        {
          instanceId: instance.instanceId,
          epoch: instance.epoch,
          seq: 1,
          lastStatus: 'STOPPED',
          containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 0 }],
        },
      );
      expect(stopped.status).toBe(200);
      await waitFor(
        async () => {
          const found = await berth.ecs
            .send(new DescribeTaskDefinitionCommand({ taskDefinition: 'busy:1' }))
            .catch((error: unknown) => error);
          return found instanceof Error && found.name === 'ClientException' ? found : undefined;
        },
        { timeoutMs: 30_000, what: 'busy:1 removed' },
      );
      expect(await listAll({ familyPrefix: 'busy', status: 'DELETE_IN_PROGRESS' })).toEqual([]);
      expect(await register('busy')).toBe(2);
    },
  );

  it.each([
    ['more than 10 revisions', Array.from({ length: 11 }, (_, i) => `ord-a:${i + 1}`), /taskDefinitions/],
    ['no revision', ['ord-a:1', 'ord-a'], /taskDefinitions: ord-a names no revision/],
    ['an empty list', [], /taskDefinitions/],
  ])('answers %s with InvalidParameterException and writes nothing', async (_what, taskDefinitions, message) => {
    const writes = berth.ctx.store.stats.writes;
    await expect(berth.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message,
    });
    expect(berth.ctx.store.stats.writes).toBe(writes);
  });
});
