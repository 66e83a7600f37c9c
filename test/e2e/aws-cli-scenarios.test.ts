import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEcs } from '../support/aws-cli.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'cli-agent';
// Exits at once on SIGTERM (a shell as PID 1 ignores it otherwise), so stops are quick.
const SLEEP = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"];

/**
 * The boto3 scenarios (test/e2e/boto3/) through `aws ecs`, against one dev
 * mode with one real agent: the CLI's own paginators (--page-size) and
 * waiters (`aws ecs wait ...`). The CLI's waiters poll every 6 s (tasks) or
 * 15 s (services) with no way to ask for less, so where a wait would be long
 * the SDK waits first and the CLI waiter then checks the same answer.
 */
describe('AWS CLI scenarios against dev mode with an agent', { timeout: 240_000 }, () => {
  let cluster: ContainerCluster;
  let image: string;
  const aws = (...args: string[]) => awsEcs(cluster.berth, ...args);
  const ecs = () => cluster.berth.ecs;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    ({ image } = cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('pages through clusters and task definitions', async () => {
    // Setup through the SDK: each CLI call costs seconds of start-up on a busy machine.
    for (const i of [1, 2, 3]) await ecs().send(new CreateClusterCommand({ clusterName: `cli-page-${i}` }));
    const clusters = await aws('list-clusters', '--page-size', '2');
    const names = (clusters.clusterArns as string[]).map((a) => a.split('/').pop());
    expect(names).toEqual(expect.arrayContaining([CLUSTER, 'cli-page-1', 'cli-page-2', 'cli-page-3']));
    expect(new Set(names).size).toBe(names.length);

    for (const memory of [16, 32, 48]) {
      await ecs().send(
        new RegisterTaskDefinitionCommand({
          family: 'cli-web',
          containerDefinitions: [{ name: 'app', image: 'busybox', memory }],
        }),
      );
    }
    const definitions = await aws('list-task-definitions', '--family-prefix', 'cli-web', '--page-size', '2');
    expect((definitions.taskDefinitionArns as string[]).map((a) => a.split(':').pop())).toEqual(['1', '2', '3']);
    const described = await aws('describe-task-definition', '--task-definition', 'cli-web');
    expect(described.taskDefinition).toMatchObject({ revision: 3, compatibilities: ['EXTERNAL', 'EC2'] });
  });

  it('runs tasks on the agent and waits for them with the CLI', async () => {
    await aws(
      'register-task-definition',
      '--family',
      'cli-sleeper',
      '--container-definitions',
      JSON.stringify([{ name: 'app', image, memory: 16, command: SLEEP }]),
    );
    const run = await aws('run-task', '--cluster', CLUSTER, '--task-definition', 'cli-sleeper', '--count', '2');
    const arns = (run.tasks as { taskArn: string }[]).map((t) => t.taskArn);
    expect(arns).toHaveLength(2);
    await aws('wait', 'tasks-running', '--cluster', CLUSTER, '--tasks', ...arns);
    const running = await aws('describe-tasks', '--cluster', CLUSTER, '--tasks', ...arns);
    expect((running.tasks as { lastStatus: string }[]).map((t) => t.lastStatus)).toEqual(['RUNNING', 'RUNNING']);

    const listed = await aws('list-tasks', '--cluster', CLUSTER, '--page-size', '1');
    expect((listed.taskArns as string[]).sort()).toEqual([...arns].sort());

    await aws('stop-task', '--cluster', CLUSTER, '--task', arns[0] ?? '');
    await ecs().send(new StopTaskCommand({ cluster: CLUSTER, task: arns[1] }));
    await aws('wait', 'tasks-stopped', '--cluster', CLUSTER, '--tasks', ...arns);
    const stopped = await aws('list-tasks', '--cluster', CLUSTER, '--desired-status', 'STOPPED');
    expect(stopped.taskArns).toEqual(expect.arrayContaining(arns));
    const missing = await aws('describe-tasks', '--cluster', CLUSTER, '--tasks', '0'.repeat(32));
    expect(missing.failures).toEqual([
      { arn: expect.stringMatching(new RegExp(`:task/${CLUSTER}/${'0'.repeat(32)}$`)), reason: 'MISSING' },
    ]);
  });

  it('creates, lists, waits for and deletes services', async () => {
    await aws(
      'create-service',
      '--cluster',
      CLUSTER,
      '--service-name',
      'cli-web',
      '--task-definition',
      'cli-sleeper',
      '--desired-count',
      '1',
    );
    for (const i of [1, 2]) {
      await ecs().send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: `cli-idle-${i}`,
          taskDefinition: 'cli-sleeper',
          desiredCount: 0,
        }),
      );
    }
    await serviceReaches('cli-web', (s) => s.runningCount === 1 && s.deployments?.length === 1);
    await aws('wait', 'services-stable', '--cluster', CLUSTER, '--services', 'cli-web');

    const listed = await aws('list-services', '--cluster', CLUSTER, '--page-size', '1');
    expect((listed.serviceArns as string[]).map((a) => a.split('/').pop()).sort()).toEqual([
      'cli-idle-1',
      'cli-idle-2',
      'cli-web',
    ]);

    const deleted = await aws('delete-service', '--cluster', CLUSTER, '--service', 'cli-web', '--force');
    expect(deleted.service).toMatchObject({
      serviceName: 'cli-web',
      status: expect.stringMatching(/^(DRAINING|INACTIVE)$/),
    });
    await serviceReaches('cli-web', (s) => s.status === 'INACTIVE');
    await aws('wait', 'services-inactive', '--cluster', CLUSTER, '--services', 'cli-web');
  });

  it('describes the container instance and manages its attributes', async () => {
    const listed = await aws('list-container-instances', '--cluster', CLUSTER);
    const [arn] = listed.containerInstanceArns as string[];
    const described = await aws(
      'describe-container-instances',
      '--cluster',
      CLUSTER,
      '--container-instances',
      arn ?? '',
    );
    expect(described.containerInstances).toMatchObject([{ status: 'ACTIVE', agentConnected: true }]);
    const stackAttributes = () =>
      aws('list-attributes', '--cluster', CLUSTER, '--target-type', 'container-instance', '--attribute-name', 'stack');
    await aws('put-attributes', '--cluster', CLUSTER, '--attributes', `name=stack,value=blue,targetId=${arn}`);
    const attributes = await stackAttributes();
    expect(attributes.attributes).toEqual([expect.objectContaining({ name: 'stack', value: 'blue', targetId: arn })]);
    await aws('delete-attributes', '--cluster', CLUSTER, '--attributes', `name=stack,targetId=${arn}`);
    const none = await stackAttributes();
    expect(none.attributes).toEqual([]);
  });

  it('protects a service task from scale-in and tags the service with the CLI', async () => {
    await ecs().send(
      new RegisterTaskDefinitionCommand({
        family: 'cli-guard',
        containerDefinitions: [{ name: 'app', image, memory: 16, command: SLEEP }],
      }),
    );
    await ecs().send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'cli-guarded',
        taskDefinition: 'cli-guard',
        desiredCount: 1,
      }),
    );
    await serviceReaches('cli-guarded', (s) => s.runningCount === 1);
    const listed = await aws('list-tasks', '--cluster', CLUSTER, '--service-name', 'cli-guarded');
    const [taskArn = ''] = listed.taskArns as string[];

    const protectedNow = await aws(
      'update-task-protection',
      '--cluster',
      CLUSTER,
      '--tasks',
      taskArn,
      '--protection-enabled',
      '--expires-in-minutes',
      '30',
    );
    expect(protectedNow).toMatchObject({
      protectedTasks: [{ taskArn, protectionEnabled: true, expirationDate: expect.any(String) }],
      failures: [],
    });
    const read = await aws('get-task-protection', '--cluster', CLUSTER, '--tasks', taskArn);
    expect(read.protectedTasks).toMatchObject([{ taskArn, protectionEnabled: true }]);
    const cleared = await aws(
      'update-task-protection',
      '--cluster',
      CLUSTER,
      '--tasks',
      taskArn,
      '--no-protection-enabled',
    );
    expect(cleared.protectedTasks).toEqual([{ taskArn, protectionEnabled: false }]);

    const service = await aws('describe-services', '--cluster', CLUSTER, '--services', 'cli-guarded');
    const [{ serviceArn }] = service.services as [{ serviceArn: string }];
    await aws('tag-resource', '--resource-arn', serviceArn, '--tags', 'key=team,value=web', 'key=tier,value=front');
    const tags = await aws('list-tags-for-resource', '--resource-arn', serviceArn);
    expect(tags.tags).toEqual(
      expect.arrayContaining([
        { key: 'team', value: 'web' },
        { key: 'tier', value: 'front' },
      ]),
    );
    await aws('untag-resource', '--resource-arn', serviceArn, '--tag-keys', 'tier');
    expect((await aws('list-tags-for-resource', '--resource-arn', serviceArn)).tags).toEqual([
      { key: 'team', value: 'web' },
    ]);
    await expect(
      aws('tag-resource', '--resource-arn', `${serviceArn}-missing`, '--tags', 'key=a,value=b'),
    ).rejects.toThrow(/\(\w+Exception\)/);

    await aws('delete-service', '--cluster', CLUSTER, '--service', 'cli-guarded', '--force');
  });

  async function serviceReaches(
    name: string,
    ok: (s: { status?: string; runningCount?: number; deployments?: unknown[] }) => boolean,
  ): Promise<void> {
    await waitFor(
      async () => {
        const out = await cluster.berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }));
        const service = out.services?.[0];
        return service && ok(service) ? true : undefined;
      },
      { timeoutMs: 60_000, what: `service ${name}` },
    );
  }
});
