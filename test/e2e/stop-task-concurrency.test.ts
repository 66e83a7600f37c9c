import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'stop-race';
const CLIENTS = 20;
const ROUNDS = 2;

/**
 * Many clients run a task and stop it at once, each through its own
 * unmodified ECS SDK client (no SDK retries). StopTask writes only the task
 * item and never conflicts with placements and reports on the instance item;
 * every stop is carried through to the agent, every task ends STOPPED and
 * the instance gets all its capacity back.
 */
describe('StopTask under concurrency', { timeout: 240_000 }, () => {
  let cluster: ContainerCluster;
  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    await cluster.berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'race',
        containerDefinitions: [
          { name: 'app', image: cluster.image, memory: 16, cpu: 8, command: ['sleep', '600'], stopTimeout: 1 },
        ],
      }),
    );
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('never answers a conflict or a server error, and every stop completes', async () => {
    const { berth } = cluster;
    const errors: string[] = [];
    const arns: string[] = [];
    const client = async () => {
      const ecs = new ECSClient({
        endpoint: berth.endpoint,
        region: 'us-east-1',
        credentials: berth.credentials,
        maxAttempts: 1,
      });
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const run = await ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'race' }));
          const arn = run.tasks?.[0]?.taskArn;
          if (!arn) throw new Error(`RunTask placed nothing: ${JSON.stringify(run.failures)}`);
          arns.push(arn);
          const stopped = await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn, reason: 'race' }));
          expect(stopped.task?.desiredStatus).toBe('STOPPED');
        }
      } catch (error) {
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        errors.push(`${e.name} ${e.$metadata?.httpStatusCode ?? ''}`);
      } finally {
        ecs.destroy();
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    expect(errors).toEqual([]);
    expect(arns).toHaveLength(CLIENTS * ROUNDS);

    const unfinished = async () => {
      const left: string[] = [];
      for (let i = 0; i < arns.length; i += 100) {
        const { tasks = [] } = await berth.ecs.send(
          new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns.slice(i, i + 100) }),
        );
        left.push(...tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => `${t.taskArn} ${t.lastStatus}`));
      }
      return left;
    };
    await waitFor(async () => ((await unfinished()).length === 0 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: 'every stopped task to reach STOPPED',
    }).catch(async (error: unknown) => {
      throw new Error(`still not STOPPED: ${(await unfinished()).join(', ')}`, { cause: error });
    });

    // Every reservation is given back: the instance has all it registered.
    const instance = async () => {
      const listed = await berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
      const described = await berth.ecs.send(
        new DescribeContainerInstancesCommand({
          cluster: CLUSTER,
          containerInstances: listed.containerInstanceArns ?? [],
        }),
      );
      return described.containerInstances?.[0];
    };
    const amount = (list: { name?: string; integerValue?: number }[] | undefined, name: string) =>
      list?.find((r) => r.name === name)?.integerValue;
    const settled = await waitFor(
      async () => {
        const i = await instance();
        const free = ['CPU', 'MEMORY'].every(
          (n) => amount(i?.remainingResources, n) === amount(i?.registeredResources, n),
        );
        return free && i?.pendingTasksCount === 0 && i.runningTasksCount === 0 ? i : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the instance to get all its capacity back' },
    );
    expect(settled.pendingTasksCount).toBe(0);
  });
});
