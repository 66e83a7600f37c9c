import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEcs } from '../support/aws-cli.ts';
import { registerInstance, startBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';

/** The same journey as the SDK test, through `aws ecs --endpoint-url`. */
// Each call starts the AWS CLI afresh (a second or more of Python start-up on a
// busy machine), and the first test makes about ten of them.
describe('AWS CLI against dev mode', { timeout: 120_000 }, () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  beforeAll(async () => {
    berth = await startBerth();
  });
  afterAll(async () => {
    await berth?.stop();
  });

  const aws = (...args: string[]) => awsEcs(berth, ...args);

  it('runs, describes, stops and lists tasks', async () => {
    const cluster = await aws('create-cluster', '--cluster-name', 'cli');
    expect(cluster.cluster).toMatchObject({ clusterName: 'cli', status: 'ACTIVE' });
    await aws(
      'register-task-definition',
      '--family',
      'hello',
      '--container-definitions',
      JSON.stringify([{ name: 'hello', image: 'busybox', memory: 128 }]),
    );
    await registerInstance(berth, 'cli', { cpu: 1024, memory: 512 });
    await registerInstance(berth, 'cli', { cpu: 1024, memory: 512 });

    const started = await aws(
      'run-task',
      '--cluster',
      'cli',
      '--task-definition',
      'hello',
      '--count',
      '3',
      '--placement-strategy',
      'type=binpack,field=memory',
    );
    const arns = (started.tasks as { taskArn: string }[]).map((t) => t.taskArn);
    expect(arns).toHaveLength(3);

    const described = await waitFor(
      async () => {
        const d = await aws('describe-tasks', '--cluster', 'cli', '--tasks', ...arns);
        const tasks = d.tasks as { containerInstanceArn?: string; lastStatus: string }[];
        return tasks.every((t) => t.containerInstanceArn) ? tasks : undefined;
      },
      { what: 'tasks placed' },
    );
    expect(new Set(described.map((t) => t.containerInstanceArn)).size).toBe(1);

    const stopped = await aws('stop-task', '--cluster', 'cli', '--task', arns[0] ?? '');
    expect(stopped.task).toMatchObject({ desiredStatus: 'STOPPED' });

    // The CLI follows nextToken itself: page size 1 still lists both running tasks.
    const all = await aws('list-tasks', '--cluster', 'cli', '--page-size', '1');
    expect((all.taskArns as string[]).sort()).toEqual(arns.slice(1).sort());
    const firstPage = await aws('list-tasks', '--cluster', 'cli', '--max-items', '1');
    expect(firstPage.taskArns).toHaveLength(1);
    expect(firstPage.NextToken).toBeDefined();
  });

  it('answers a bad request with an ECS error the CLI understands', async () => {
    await expect(aws('describe-tasks', '--cluster', 'no-such-cluster', '--tasks', 'abc')).rejects.toMatchObject({
      stderr: expect.stringMatching(/ClusterNotFoundException/),
    });
  });
});
