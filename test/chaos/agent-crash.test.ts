import {
  CreateClusterCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess } from '../support/agent-process.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { waitFor } from '../support/wait.ts';
import { allTasks, chaosCluster, removeContainers, running, runningContainers, taskId } from './support.ts';

const cluster = chaosCluster('agent');

/** kill -9 of berth-agent on a host whose containers keep running. */
describe('an agent crash', () => {
  let berth: TestBerth;
  let agent: AgentProcess;

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'adopt',
        containerDefinitions: [{ name: 'app', image, memory: 16, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    agent = new AgentProcess({
      endpoint: berth.endpoint,
      cluster,
      registrationToken: () => berth.registrationToken(cluster),
    });
    await agent.start();
  });
  afterAll(async () => {
    await agent?.destroy();
    await berth?.stop();
    await removeContainers(cluster);
  });

  const runOne = async () => {
    const answer = await berth.ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'adopt' }));
    return answer.tasks?.[0]?.taskArn ?? '';
  };
  const runningArns = async () => new Set(running(await allTasks(berth.ecs, cluster)).map((t) => t.taskArn));

  it('keeps the containers running, and the restarted agent adopts them without replacing a task', async () => {
    const first = [await runOne(), await runOne(), await runOne()];
    await waitFor(async () => ((await runningArns()).size === 3 ? true : undefined), {
      timeoutMs: 60_000,
      what: '3 RUNNING',
    });
    const before = await runningContainers({ 'com.berth.cluster': cluster });
    expect(new Set(before.values())).toEqual(new Set(first.map(taskId)));

    const instanceId = agent.instanceId;
    await agent.kill9();
    // The containers do not depend on the agent's process.
    expect(await runningContainers({ 'com.berth.cluster': cluster })).toEqual(before);

    expect(await agent.start()).toBe(instanceId);
    // The agent works again: a new task runs beside the adopted ones.
    const late = await runOne();
    await waitFor(async () => ((await runningArns()).has(late) ? true : undefined), {
      timeoutMs: 60_000,
      what: 'a new task RUNNING',
    });

    const tasks = await allTasks(berth.ecs, cluster);
    expect(tasks.map((t) => t.taskArn).sort()).toEqual([...first, late].sort());
    expect(running(tasks)).toHaveLength(4);
    const after = await runningContainers({ 'com.berth.cluster': cluster });
    for (const [id, task] of before) expect(after.get(id)).toBe(task);
    expect(after.size).toBe(4);

    // Adopted means managed: a StopTask of an adopted task stops its very container.
    const [adopted] = first;
    await berth.ecs.send(new StopTaskCommand({ cluster, task: adopted }));
    await waitFor(
      async () => {
        const now = await runningContainers({ 'com.berth.cluster': cluster });
        return [...now.values()].includes(taskId(adopted)) ? undefined : true;
      },
      { timeoutMs: 30_000, what: 'the adopted container stopped' },
    );
    await waitFor(
      async () =>
        (await allTasks(berth.ecs, cluster)).find((t) => t.taskArn === adopted)?.lastStatus === 'STOPPED'
          ? true
          : undefined,
      { timeoutMs: 30_000, what: 'the adopted task STOPPED' },
    );
  });
});
