import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeClusterContainers, startTestAgent } from '../support/agents.ts';
import { registerInstance } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { ControlPlaneProcess } from '../support/control-plane-process.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'cp-outage';
const TTL_SECONDS = 10;
/** Over twice the lease TTL: every lease is long expired when the control plane comes back. */
const OUTAGE_MS = 2 * TTL_SECONDS * 1000 + 5_000;
const TASKS = 4;

/**
 * The control plane is killed with SIGKILL and started again on its data
 * directory after more than twice the lease TTL, while a real agent and its
 * service's containers carry on. Time the control plane was down does not
 * count against the agent: no task is stopped and the same tasks run after.
 * A second, silent instance (registered, never polling) is the control: it
 * is declared disconnected once the grace after the restart has passed, so
 * the monitor did judge leases, and told the dead from the living.
 */
describe('a control-plane outage longer than the lease TTL', { timeout: 300_000 }, () => {
  const controlPlane = new ControlPlaneProcess({
    env: {
      BERTH_HEARTBEAT_TTL_SECONDS: String(TTL_SECONDS),
      BERTH_POLL_INTERVAL_SECONDS: '2',
      BERTH_MONITOR_INTERVAL_SECONDS: '1',
    },
  });
  let agent: Awaited<ReturnType<typeof startTestAgent>> | undefined;
  let ecs: ECSClient;

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    await controlPlane.start();
    ecs = controlPlane.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'steady',
        containerDefinitions: [{ name: 'app', image, memory: 16, cpu: 8, command: ['sleep', '3600'], stopTimeout: 1 }],
      }),
    );
    agent = await startTestAgent(controlPlane, CLUSTER);
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'steady',
        taskDefinition: 'steady',
        desiredCount: TASKS,
      }),
    );
  }, 180_000);
  afterAll(async () => {
    await agent?.stop();
    ecs?.destroy();
    await controlPlane.stop();
    await removeClusterContainers(CLUSTER);
  });

  async function serviceTasks(desiredStatus: 'RUNNING' | 'STOPPED') {
    const listed = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'steady', desiredStatus }));
    if (!listed.taskArns?.length) return [];
    return (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }))).tasks ?? [];
  }

  async function connected(instanceId: string): Promise<boolean | undefined> {
    const listed = await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
    const { containerInstances = [] } = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster: CLUSTER,
        containerInstances: listed.containerInstanceArns ?? [],
      }),
    );
    return containerInstances.find((i) => i.containerInstanceArn?.endsWith(`/${instanceId}`))?.agentConnected;
  }

  it('stops no task on a live host and keeps the same tasks running', async () => {
    const running = await waitFor(
      async () => {
        const tasks = await serviceTasks('RUNNING');
        return tasks.length === TASKS && tasks.every((t) => t.lastStatus === 'RUNNING') ? tasks : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: `${TASKS} service tasks RUNNING` },
    );
    const before = running.map((t) => t.taskArn).sort();
    // Too small for any task: it holds none, and it never polls.
    const silent = await registerInstance(controlPlane, CLUSTER, { cpu: 1, memory: 1 });

    await controlPlane.kill9();
    const down = Date.now();
    await waitFor(() => (Date.now() - down >= OUTAGE_MS ? true : undefined), {
      timeoutMs: OUTAGE_MS + 5_000,
      intervalMs: 250,
      what: 'the outage to outlast twice the TTL',
    });
    await controlPlane.restart();

    // The monitor judges leases again once the grace after the restart is over.
    await waitFor(async () => ((await connected(silent.instanceId)) === false ? true : undefined), {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: 'the silent instance to be declared disconnected',
    }).catch((error: unknown) => {
      throw new Error(`control plane log: ${controlPlane.output}`, { cause: error });
    });

    expect(await connected(agent?.instanceId ?? '')).toBe(true);
    expect(await serviceTasks('STOPPED')).toEqual([]);
    const after = await serviceTasks('RUNNING');
    expect(after.map((t) => t.taskArn).sort()).toEqual(before);
    expect(after.every((t) => t.lastStatus === 'RUNNING')).toBe(true);
  });
});
