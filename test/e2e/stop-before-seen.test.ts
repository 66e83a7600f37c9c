import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerInstance,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess } from '../support/agent-process.ts';
import { removeClusterContainers } from '../support/agents.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'stop-before-seen';

/**
 * A task stopped before its agent ever saw it (StopTask right after RunTask,
 * or while the agent is frozen) never had a container, yet it must reach
 * lastStatus STOPPED and give its reservation back: the agent reports
 * STOPPED for an assignment it is told to stop and never started.
 */
describe('a task stopped before its agent saw it', { timeout: 240_000 }, () => {
  let berth: TestBerth;
  let agent: AgentProcess | undefined;

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'brief',
        containerDefinitions: [{ name: 'app', image, memory: 16, cpu: 8, command: ['sleep', '600'], stopTimeout: 1 }],
      }),
    );
    agent = new AgentProcess({
      endpoint: berth.endpoint,
      cluster: CLUSTER,
      registrationToken: () => berth.registrationToken(CLUSTER),
    });
    await agent.start();
    await waitFor(async () => ((await instance())?.agentConnected ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the agent to register',
    });
  }, 180_000);
  afterAll(async () => {
    await agent?.destroy();
    await berth?.stop();
    await removeClusterContainers(CLUSTER);
  });

  async function instance(): Promise<ContainerInstance | undefined> {
    const listed = await berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
    if (!listed.containerInstanceArns?.length) return undefined;
    const described = await berth.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: listed.containerInstanceArns }),
    );
    return described.containerInstances?.[0];
  }

  async function runAndStop(count: number): Promise<string[]> {
    const arns: string[] = [];
    for (let i = 0; i < count; i++) {
      const run = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'brief' }));
      const arn = run.tasks?.[0]?.taskArn ?? '';
      expect(arn).not.toBe('');
      await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn }));
      arns.push(arn);
    }
    return arns;
  }

  async function expectAllStoppedAndFreed(arns: string[]): Promise<void> {
    const notStopped = async () => {
      const { tasks = [] } = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }));
      return tasks.filter((t) => t.lastStatus !== 'STOPPED');
    };
    await waitFor(async () => ((await notStopped()).length === 0 ? true : undefined), {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: 'every task to reach STOPPED',
    }).catch(async (error: unknown) => {
      const left = (await notStopped()).map((t) => `${t.taskArn} ${t.lastStatus}`);
      throw new Error(`not STOPPED: ${left.join(', ')}\nagent log: ${agent?.output}`, { cause: error });
    });
    const { tasks = [] } = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }));
    expect(tasks.every((t) => t.stopCode === 'UserInitiated' && t.stoppedAt !== undefined)).toBe(true);

    const amount = (
      i: ContainerInstance | undefined,
      kind: 'registeredResources' | 'remainingResources',
      name: string,
    ) => i?.[kind]?.find((r) => r.name === name)?.integerValue;
    const freed = await waitFor(
      async () => {
        const i = await instance();
        const full = ['CPU', 'MEMORY'].every(
          (n) => amount(i, 'remainingResources', n) === amount(i, 'registeredResources', n),
        );
        return full && i?.pendingTasksCount === 0 ? i : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the instance to get all its capacity back' },
    );
    expect(freed).toMatchObject({ pendingTasksCount: 0, runningTasksCount: 0 });
  }

  it('reaches STOPPED and frees its reservation when stopped right after RunTask', async () => {
    await expectAllStoppedAndFreed(await runAndStop(10));
  });

  it('reaches STOPPED and frees its reservation when run and stopped while the agent is frozen', async () => {
    agent?.freeze();
    let arns: string[];
    try {
      arns = await runAndStop(10);
    } finally {
      agent?.resume();
    }
    await expectAllStoppedAndFreed(arns);
  });
});
