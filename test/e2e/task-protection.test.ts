import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  GetTaskProtectionCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  UpdateTaskProtectionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'protect-e2e';

/** Task scale-in protection with real containers: what a scale-in may and may not stop. */
describe('task scale-in protection', { timeout: 180_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    berth = cluster.berth;
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'worker',
        containerDefinitions: [
          { name: 'app', image: cluster.image, memory: 32, cpu: 32, command: ['sleep', '600'], stopTimeout: 1 },
        ],
      }),
    );
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function running(serviceName?: string): Promise<string[]> {
    const listed = await berth.ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, desiredStatus: 'RUNNING', ...(serviceName && { serviceName }) }),
    );
    return listed.taskArns ?? [];
  }

  it('a service of 3 with two protected tasks scaled to 1 stops only the unprotected one, and says so', async () => {
    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'jobs', taskDefinition: 'worker', desiredCount: 3 }),
    );
    const arns = await waitFor(
      async () => {
        const listed = await running('jobs');
        if (listed.length !== 3) return undefined;
        const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed }));
        return described.tasks?.every((t) => t.lastStatus === 'RUNNING') ? listed : undefined;
      },
      { timeoutMs: 90_000, what: 'three running tasks' },
    );
    const [kept1, kept2, exposed] = arns as [string, string, string];

    const before = Date.now();
    const updated = await berth.ecs.send(
      new UpdateTaskProtectionCommand({
        cluster: CLUSTER,
        tasks: [kept1, kept2.split('/').pop()!],
        protectionEnabled: true,
        expiresInMinutes: 60,
      }),
    );
    expect(updated.failures).toEqual([]);
    expect(updated.protectedTasks?.map((p) => p.taskArn).sort()).toEqual([kept1, kept2].sort());
    for (const p of updated.protectedTasks ?? []) {
      expect(p.protectionEnabled).toBe(true);
      const expires = p.expirationDate!.getTime();
      expect(expires).toBeGreaterThanOrEqual(before + 60 * 60_000 - 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 1000);
    }
    const got = await berth.ecs.send(new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [kept1, exposed] }));
    expect(got.protectedTasks?.map((p) => [p.taskArn, p.protectionEnabled])).toEqual([
      [kept1, true],
      [exposed, false],
    ]);
    expect(got.protectedTasks?.[1]?.expirationDate).toBeUndefined();

    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'jobs', desiredCount: 1 }));
    const stoppedTask = await waitFor(
      async () => {
        const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [exposed] }));
        const task = described.tasks?.[0];
        return task?.lastStatus === 'STOPPED' ? task : undefined;
      },
      { timeoutMs: 60_000, what: 'the unprotected task to stop' },
    );
    expect(stoppedTask.stoppedReason).toMatch(/Scaling activity/);
    const service = await waitFor(
      async () => {
        const s = (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['jobs'] })))
          .services?.[0];
        return s?.events?.some((e) => e.message?.includes('was unable to scale in due to')) ? s : undefined;
      },
      { timeoutMs: 30_000, what: 'the protection event' },
    );
    expect(service.events?.map((e) => e.message)).toContain(
      '(service jobs) was unable to scale in due to (reason: 1 tasks under protection).',
    );
    expect((await running('jobs')).sort()).toEqual([kept1, kept2].sort());

    // Lifting protection from one lets the scale-in finish: one task is left.
    await berth.ecs.send(
      new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [kept2], protectionEnabled: false }),
    );
    await waitFor(async () => ((await running('jobs')).length === 1 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the scale-in to finish',
    });
    expect(await running('jobs')).toEqual([kept1]);
  });

  it('answers unknown and standalone tasks in failures[], and refuses a bad expiry without writing', async () => {
    const standalone = (await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'worker' })))
      .tasks?.[0]?.taskArn as string;
    const answer = await berth.ecs.send(
      new UpdateTaskProtectionCommand({
        cluster: CLUSTER,
        tasks: [standalone, 'no-such-task'],
        protectionEnabled: true,
      }),
    );
    expect(answer.protectedTasks).toEqual([]);
    expect(answer.failures).toEqual([
      expect.objectContaining({ arn: standalone, reason: 'TASK_NOT_VALID' }),
      { arn: 'no-such-task', reason: 'MISSING' },
    ]);

    const [serviceTask] = await running('jobs');
    for (const expiresInMinutes of [0, 2881]) {
      const error = await berth.ecs
        .send(
          new UpdateTaskProtectionCommand({
            cluster: CLUSTER,
            tasks: [serviceTask!],
            protectionEnabled: false,
            expiresInMinutes,
          }),
        )
        .catch((e: unknown) => e as Error);
      expect(error).toMatchObject({ name: 'InvalidParameterException' });
      expect((error as Error).message).toMatch(/expiresInMinutes/);
    }
    const eleven = await berth.ecs
      .send(
        new UpdateTaskProtectionCommand({
          cluster: CLUSTER,
          tasks: Array.from({ length: 11 }, () => serviceTask!),
          protectionEnabled: false,
        }),
      )
      .catch((e: unknown) => e as Error);
    expect(eleven).toMatchObject({ name: 'InvalidParameterException' });
    expect((eleven as Error).message).toMatch(/tasks/);
    // Neither refusal touched the protection the first test set.
    const got = await berth.ecs.send(new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [serviceTask!] }));
    expect(got.protectedTasks?.[0]?.protectionEnabled).toBe(true);
    const missingCluster = await berth.ecs
      .send(new GetTaskProtectionCommand({ cluster: 'nope', tasks: [serviceTask!] }))
      .catch((e: unknown) => e as Error);
    expect(missingCluster).toMatchObject({ name: 'ClusterNotFoundException' });
  });
  it('a deployment leaves a protected task running until its protection is removed, then replaces it', async () => {
    const [old] = await running('jobs');
    const v2 = await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'worker',
        containerDefinitions: [
          { name: 'app', image: cluster.image, memory: 32, cpu: 32, command: ['sleep', '601'], stopTimeout: 1 },
        ],
      }),
    );
    const next = v2.taskDefinition!.taskDefinitionArn!;
    await berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'jobs', taskDefinition: next }));
    const waiting = await waitFor(
      async () => {
        const s = (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['jobs'] })))
          .services?.[0];
        return s?.events?.some((e) => e.message?.includes('is waiting for 1 tasks under protection')) ? s : undefined;
      },
      { timeoutMs: 90_000, what: 'the deployment to wait for the protected task' },
    );
    expect(waiting.deployments?.[0]).toMatchObject({ taskDefinition: next, rolloutState: 'IN_PROGRESS' });
    expect(await running('jobs')).toContain(old);

    await berth.ecs.send(
      new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [old!], protectionEnabled: false }),
    );
    const stopped = await waitFor(
      async () => {
        const task = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [old!] }))).tasks?.[0];
        return task?.lastStatus === 'STOPPED' ? task : undefined;
      },
      { timeoutMs: 60_000, what: 'the unprotected old task to be replaced' },
    );
    expect(stopped.stoppedReason).toMatch(/Replaced by/);
  });
});
