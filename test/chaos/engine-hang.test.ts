import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { DockerSocketProxy } from '../support/docker-socket-proxy.ts';
import { waitFor } from '../support/wait.ts';
import {
  allTasks,
  chaosCluster,
  dockerKill,
  faultLasts,
  removeContainers,
  runningContainers,
  taskId,
} from './support.ts';

const cluster = chaosCluster('hang');
const HANG_MS = 20_000;

/**
 * The Docker engine accepts connections and answers nothing for 20 s, then
 * recovers (test/support/docker-socket-proxy.ts): calls and events in flight during
 * the hang are lost for good, so only an agent that gives up on stuck calls
 * and resyncs sees what happened meanwhile.
 */
describe('a hung Docker engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-hang-'));
  const engine = new DockerSocketProxy(join(dir, 'docker.sock'));
  let berth: TestBerth;
  let agent: AgentProcess;

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    await engine.start();
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agent = new AgentProcess({
      endpoint: berth.endpoint,
      cluster,
      registrationToken: () => berth.registrationToken(cluster),
      dockerHost: engine.dockerHost,
    });
    await agent.start();
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'hang',
        containerDefinitions: [{ name: 'app', image, memory: 16, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
  });
  afterAll(async () => {
    await agent?.destroy();
    await berth?.stop();
    await engine.stop();
    await removeContainers(cluster);
    rmSync(dir, { recursive: true, force: true });
  });

  const lastStatus = async (arn: string) =>
    (await allTasks(berth.ecs, cluster)).find((t) => t.taskArn === arn)?.lastStatus;

  // Every engine call has a deadline and a ping finds the hang; once the
  // engine answers again the agent lists every container afresh.
  it('reports a container killed during the hang as stopped, stops a task stopped during it, and runs new tasks after it', async () => {
    const answer = await berth.ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'hang', count: 2 }));
    const [killed, stopped] = (answer.tasks ?? []).map((t) => t.taskArn ?? '') as [string, string];
    await waitFor(
      async () =>
        (await lastStatus(killed)) === 'RUNNING' && (await lastStatus(stopped)) === 'RUNNING' ? true : undefined,
      { timeoutMs: 60_000, what: 'both tasks RUNNING' },
    );
    const containers = await runningContainers({ 'com.berth.cluster': cluster });
    const containerOf = (arn: string) => [...containers].find(([, task]) => task === taskId(arn))?.[0] ?? '';

    engine.hang();
    await dockerKill([containerOf(killed)]); // on the real socket, past the proxy
    await berth.ecs.send(new StopTaskCommand({ cluster, task: stopped }));
    await faultLasts(HANG_MS);
    engine.resume();

    await waitFor(async () => ((await lastStatus(killed)) === 'STOPPED' ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the killed container reported STOPPED',
    });
    await waitFor(async () => ((await lastStatus(stopped)) === 'STOPPED' ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the stopped task STOPPED',
    });
    expect((await runningContainers({ 'com.berth.cluster': cluster })).size).toBe(0);
    // Resynced, not just caught up: the agent runs new work on the recovered engine.
    const late =
      (await berth.ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'hang' }))).tasks?.[0]?.taskArn ?? '';
    await waitFor(async () => ((await lastStatus(late)) === 'RUNNING' ? true : undefined), {
      timeoutMs: 60_000,
      what: 'a new task RUNNING after the hang',
    });
  });
});
