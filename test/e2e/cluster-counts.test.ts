import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskStateReportsResponse } from '#shared/schemas/agent-api.ts';
import { agentPost } from '../support/agent-request.ts';
import { registerInstance, startBerth } from '../support/berth.ts';

const CLUSTER = 'counts';

/** DescribeClusters' counts, as ECS defines them, through the ECS SDK (no containers run here). */
describe('DescribeClusters counts', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  let agent: Awaited<ReturnType<typeof registerInstance>>;
  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'counted',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }],
      }),
    );
    agent = await registerInstance(berth, CLUSTER, { cpu: 4096, memory: 4096 });
  });
  afterAll(async () => {
    await berth?.stop();
  });

  async function report(reports: { taskId: string; seq: number; lastStatus: string }[]): Promise<void> {
    const response = await agentPost(
      berth.endpoint,
      { cluster: CLUSTER, instanceId: agent.instanceId, call: 'reports' },
      agent.credential.token,
      {
        instanceId: agent.instanceId,
        epoch: agent.epoch,
        reports: reports.map(({ taskId, seq, lastStatus }) => ({
          taskId,
          report: { seq, lastStatus, containers: [{ name: 'app', lastStatus }] },
        })),
      },
    );
    const results = taskStateReportsResponse.parse(await response.json()).results;
    expect(results.every((r) => 'applied' in r && r.applied)).toBe(true);
  }

  it('counts RUNNING tasks as running, PENDING ones as pending, STOPPING ones as neither, and ACTIVE services', async () => {
    const run = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'counted', count: 3 }));
    const [running, stopping, pending] = (run.tasks ?? []).map((t) => t.taskArn?.split('/').pop() ?? '');
    if (!running || !stopping || !pending) throw new Error('RunTask placed fewer than three tasks');
    await report([
      { taskId: running, seq: 1, lastStatus: 'RUNNING' },
      { taskId: stopping, seq: 1, lastStatus: 'RUNNING' },
    ]);
    await report([{ taskId: stopping, seq: 2, lastStatus: 'STOPPING' }]);
    const described = await berth.ecs.send(
      new DescribeTasksCommand({ cluster: CLUSTER, tasks: [running, stopping, pending] }),
    );
    expect(described.tasks?.map((t) => t.lastStatus)).toEqual(['RUNNING', 'STOPPING', 'PENDING']);

    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'kept', taskDefinition: 'counted', desiredCount: 0 }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'gone', taskDefinition: 'counted', desiredCount: 0 }),
    );
    await berth.ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'gone' }));

    const cluster = (await berth.ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER] }))).clusters?.[0];
    expect(cluster).toMatchObject({
      registeredContainerInstancesCount: 1,
      runningTasksCount: 1,
      pendingTasksCount: 1,
      activeServicesCount: 1,
    });
  });
});
