import { randomUUID } from 'node:crypto';
import {
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { ControlPlaneProcess } from '../support/control-plane-process.ts';
import { waitFor } from '../support/wait.ts';
import { allTasks, chaosCluster, ecsClient, removeContainers, running, runningContainers, taskId } from './support.ts';

const cluster = chaosCluster('crash');
const TOKENS = 40;
const IN_FLIGHT = 8;

/**
 * kill -9 of dev mode (control plane and its own agent in one process, on a
 * data directory) while RunTask calls with client tokens are in flight.
 */
describe('a control-plane crash mid-burst', () => {
  const controlPlane = new ControlPlaneProcess({ agentCluster: cluster });
  let ecs: ECSClient;

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    await controlPlane.start();
    ecs = ecsClient(controlPlane.endpoint, controlPlane.credentials);
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'burst',
        containerDefinitions: [{ name: 'app', image, memory: 8, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    await waitFor(
      async () =>
        (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns?.length
          ? true
          : undefined,
      { timeoutMs: 60_000, what: 'the dev agent registered' },
    );
  });
  afterAll(async () => {
    ecs?.destroy();
    await controlPlane.destroy();
    await removeContainers(cluster);
  });

  const runWith = (client: ECSClient, token: string) =>
    client.send(new RunTaskCommand({ cluster, taskDefinition: 'burst', clientToken: token }));

  it('gives exactly one task and one container per client token when every RunTask is retried after a restart', async () => {
    const tokens = Array.from({ length: TOKENS }, () => randomUUID());
    const answered = new Map<string, string>();
    // IN_FLIGHT callers walk the tokens; the control plane is killed the moment half are answered,
    // with calls in flight and the rest still to send.
    let next = 0;
    let killed: Promise<void> | undefined;
    const burst = ecsClient(controlPlane.endpoint, controlPlane.credentials);
    const caller = async () => {
      while (next < tokens.length) {
        const token = tokens[next++] ?? '';
        const arn = await runWith(burst, token).then(
          (r) => r.tasks?.[0]?.taskArn,
          () => undefined,
        );
        if (arn) answered.set(token, arn);
        if (answered.size >= TOKENS / 2) killed ??= controlPlane.kill9();
      }
    };
    const callers = Promise.all(Array.from({ length: IN_FLIGHT }, caller));
    await callers;
    await killed;
    burst.destroy();
    console.log(`control-plane crash: ${answered.size} of ${TOKENS} RunTasks answered before kill -9`);
    expect(answered.size).toBeLessThan(TOKENS);

    await controlPlane.start();
    ecs.destroy();
    ecs = ecsClient(controlPlane.endpoint, controlPlane.credentials);
    const retried = new Map<string, string>();
    for (const token of tokens) {
      const response = await runWith(ecs, token);
      expect(response.failures ?? []).toEqual([]);
      expect(response.tasks).toHaveLength(1);
      retried.set(token, response.tasks?.[0]?.taskArn ?? '');
    }
    // A token answered before the crash names the same task after it.
    for (const [token, arn] of answered) expect(retried.get(token)).toBe(arn);
    const arns = new Set(retried.values());
    expect(arns.size).toBe(TOKENS);

    const settled = await waitFor(
      async () => {
        const tasks = await allTasks(ecs, cluster);
        return running(tasks).length === TOKENS ? tasks : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: `${TOKENS} tasks RUNNING` },
    );
    expect(settled).toHaveLength(TOKENS);
    expect(new Set(settled.map((t) => t.taskArn))).toEqual(arns);
    const containers = await waitFor(
      async () => {
        const found = await runningContainers({ 'com.berth.cluster': cluster });
        return found.size >= TOKENS ? found : undefined;
      },
      { timeoutMs: 30_000, what: `${TOKENS} containers` },
    );
    expect(new Set(containers.values())).toEqual(new Set([...arns].map(taskId)));
  });
});
