import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DNS_DRAIN_MS } from '#shared/control/reconcile/reconcile-dns-drain.ts';
import { dnsViews } from '#shared/domain/collections.ts';
import { DNS_VIEW_ATTRIBUTE } from '#shared/schemas/instance-attributes.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';
import { startHollowFleet, type HollowFleet } from '../support/hollow-fleet.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A service task leaving the DNS view drains from it before its stop, in a
 * cluster where an agent serves the view, and not elsewhere. Hollow agents,
 * one cluster whose agent reports the view's attribute and one whose agent
 * does not.
 */
describe('draining a service task from the DNS view', () => {
  let berth: TestBerth;
  const fleets: HollowFleet[] = [];

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          { name: 'web', image: 'busybox', memory: 64, portMappings: [{ containerPort: 80, hostPort: 0 }] },
        ],
      }),
    );
    for (const [cluster, dnsView] of [
      ['served', true],
      ['unserved', false],
    ] as const) {
      await berth.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
      fleets.push(
        await startHollowFleet({
          endpoint: berth.endpoint,
          cluster,
          count: 1,
          registrationToken: await berth.registrationToken(cluster),
          resources: { cpu: 1024, memory: 2048 },
          attributes: () => [
            { name: 'berth.host.address', value: '10.0.0.9' },
            ...(dnsView ? [{ name: DNS_VIEW_ATTRIBUTE, value: 'true' }] : []),
          ],
          pollIntervalMs: 200,
        }),
      );
      await berth.ecs.send(
        new CreateServiceCommand({ cluster, serviceName: 'web', taskDefinition: 'web', desiredCount: 1 }),
      );
    }
  });
  afterAll(async () => {
    for (const fleet of fleets) await fleet.stop();
    await berth?.stop();
  });

  async function runningTask(cluster: string): Promise<Task> {
    return waitFor(
      async () => {
        const arns = (await berth.ecs.send(new ListTasksCommand({ cluster, serviceName: 'web' }))).taskArns ?? [];
        const tasks = arns.length
          ? (await berth.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks
          : [];
        return tasks?.find((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
      },
      { what: `a RUNNING task of ${cluster}/web`, timeoutMs: 30_000 },
    );
  }

  async function describeTask(cluster: string, arn: string): Promise<Task | undefined> {
    return (await berth.ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks?.[0];
  }

  async function inView(cluster: string, task: Task): Promise<boolean> {
    const view = await berth.ctx.store.get(dnsViews, dnsViews.key(cluster));
    const port = task.containers?.[0]?.networkBindings?.[0]?.hostPort;
    return (view?.value.records ?? []).some((r) => r.type === 'SRV' && r.port === port);
  }

  it('takes the task out of the view at once, shows it DEACTIVATING, and stops it only after the drain', async () => {
    const task = await runningTask('served');
    await waitFor(async () => ((await inView('served', task)) ? true : undefined), { what: 'the task in the view' });
    await berth.ecs.send(new StopTaskCommand({ cluster: 'served', task: task.taskArn, reason: 'by hand' }));
    const draining = await waitFor(
      async () => {
        const now = await describeTask('served', task.taskArn!);
        return now?.lastStatus !== 'RUNNING' ? now : undefined;
      },
      { what: 'the task no longer RUNNING' },
    );
    expect(draining.lastStatus).toBe('DEACTIVATING');
    expect(await inView('served', task)).toBe(false);
    const stopped = await waitFor(
      async () => {
        const now = await describeTask('served', task.taskArn!);
        return now?.lastStatus === 'STOPPED' ? now : undefined;
      },
      { what: 'the task STOPPED', timeoutMs: 60_000 },
    );
    expect(stopped.executionStoppedAt!.getTime() - stopped.stoppingAt!.getTime()).toBeGreaterThanOrEqual(DNS_DRAIN_MS);
  });

  it('holds nothing where no agent serves the view', async () => {
    const task = await runningTask('unserved');
    await berth.ecs.send(new StopTaskCommand({ cluster: 'unserved', task: task.taskArn, reason: 'by hand' }));
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const now = await describeTask('unserved', task.taskArn!);
        if (now?.lastStatus) seen.add(now.lastStatus);
        return now?.lastStatus === 'STOPPED' ? true : undefined;
      },
      { what: 'the task STOPPED', intervalMs: 20, timeoutMs: 30_000 },
    );
    expect(seen.has('DEACTIVATING')).toBe(false);
  });
});
