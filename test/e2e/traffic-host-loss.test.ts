import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateServiceCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersLabelled, removeClusterContainers, startTestAgent } from '../support/agents.ts';
import { startBerthWithCluster, type TestBerth } from '../support/berth.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { cloudMapFixture } from '../support/cloud-map.ts';
import { elbv2Fixture } from '../support/elbv2.ts';
import { startFakeImds } from '../support/fake-imds.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'traffic-host-loss';
const EC2_IDS = ['i-0c4d1e0000000001', 'i-0c4d1e0000000002'];
const hostAddress = (i: number) => `10.30.0.${i + 1}`;

type Agent = Awaited<ReturnType<typeof startTestAgent>>;

/**
 * A host dies under a service that has a target group (moto ELBv2) and a
 * Cloud Map registry (moto Service Discovery), with two real agents: once
 * the monitor declares the host lost, the lost task leaves both, and its
 * replacement on the surviving host joins both.
 */
describe('load balancers and Cloud Map after a host loss', { timeout: 180_000 }, () => {
  let berth: TestBerth;
  let elb: Awaited<ReturnType<typeof elbv2Fixture>>;
  let cloudMap: Awaited<ReturnType<typeof cloudMapFixture>>;
  let imds: Awaited<ReturnType<typeof startFakeImds>>[];
  const agents: Agent[] = [];
  const dead = new Set<Agent>();
  let group: string;
  let registry: string;

  beforeAll(async () => {
    const image = await ensureBusyboxImage();
    elb = await elbv2Fixture();
    group = await elb.targetGroup('berth-host-loss', { delaySeconds: 5 });
    cloudMap = await cloudMapFixture('host-loss.test');
    registry = await cloudMap.service('web');
    berth = await startBerthWithCluster(CLUSTER, {
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.config.endpoint,
      AWS_ENDPOINT_URL_SERVICEDISCOVERY: cloudMap.config.endpoint,
      AWS_ACCESS_KEY_ID: elb.config.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: elb.config.credentials.secretAccessKey,
      BERTH_MONITOR_INTERVAL_SECONDS: '1',
      BERTH_HEARTBEAT_TTL_SECONDS: '10',
    });
    imds = await Promise.all(EC2_IDS.map((instanceId) => startFakeImds({ instanceId })));
    for (const [i, metadata] of imds.entries()) {
      agents.push(
        await startTestAgent(berth, CLUSTER, { imdsEndpoint: metadata.endpoint, hostAddress: hostAddress(i) }),
      );
    }
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          {
            name: 'web',
            image,
            memory: 32,
            command: ['httpd', '-f', '-p', '80'],
            portMappings: [{ containerPort: 80, hostPort: 0 }],
            stopTimeout: 1,
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    for (const agent of agents) if (!dead.has(agent)) await agent.stop();
    await berth?.stop();
    await removeClusterContainers(CLUSTER);
    for (const metadata of imds ?? []) await metadata.close();
    elb?.destroy();
    cloudMap?.destroy();
  });

  async function runningTasks(): Promise<Task[]> {
    const listed = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }));
    if ((listed.taskArns ?? []).length === 0) return [];
    const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }));
    return (described.tasks ?? []).filter((t) => t.lastStatus === 'RUNNING');
  }
  const agentOf = (task: Task) => agents.findIndex((a) => task.containerInstanceArn?.endsWith(a.instanceId));
  const taskId = (task: Task) => task.taskArn!.split('/').pop()!;
  const targetOf = (task: Task) => `${EC2_IDS[agentOf(task)]}:${task.containers?.[0]?.networkBindings?.[0]?.hostPort}`;
  /** The group's targets that still take traffic (not draining), as `id:port`. */
  async function liveTargets(): Promise<string[]> {
    const health = await elb.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group }));
    return (health.TargetHealthDescriptions ?? [])
      .filter((d) => d.TargetHealth?.State !== 'draining')
      .map((d) => `${d.Target?.Id}:${d.Target?.Port}`);
  }
  /** Waits until exactly `task` is in the target group and the registry. */
  async function servedBy(task: Task, what: string): Promise<void> {
    await waitFor(
      async () => {
        const targets = await liveTargets();
        const instances = await cloudMap.instances(registry);
        const one = targets.join() === targetOf(task) && [...instances.keys()].join() === taskId(task);
        return one ? true : undefined;
      },
      { what, timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  it('deregisters the lost host’s task from the target group and Cloud Map, and registers its replacement', async () => {
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: 'web',
        // One task: moto keys a group's targets by instance id alone, so two on the survivor would collide.
        desiredCount: 1,
        loadBalancers: [{ targetGroupArn: group, containerName: 'web', containerPort: 80 }],
        serviceRegistries: [{ registryArn: registry, containerName: 'web', containerPort: 80 }],
      }),
    );
    const [first] = await waitFor(async () => ((await runningTasks()).length === 1 ? runningTasks() : undefined), {
      what: 'one RUNNING task',
      timeoutMs: 60_000,
    });
    await servedBy(first!, 'the first task in the target group and the registry');
    const victim = agents[agentOf(first!)]!;
    const survivor = agents.find((a) => a !== victim)!;
    const lostTarget = targetOf(first!);

    // The host dies: its agent stops without a word and its containers are killed.
    await victim.stop();
    dead.add(victim);
    const [lost] = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [first!.taskArn!] })))
      .tasks!;
    // Until the monitor declares the host lost (TTL 10 s), Berth still counts the task RUNNING and keeps its target.
    expect(lost?.lastStatus).toBe('RUNNING');
    expect(await liveTargets()).toContain(lostTarget);
    const containers = await containersLabelled({ 'com.berth.instance-id': victim.instanceId });
    if (containers.length > 0) await run('docker', ['kill', ...containers]);

    const replacement = await waitFor(
      async () => {
        const [task] = await runningTasks();
        return task && task.taskArn !== first!.taskArn && task.containerInstanceArn?.endsWith(survivor.instanceId)
          ? task
          : undefined;
      },
      { what: 'a replacement RUNNING on the survivor', timeoutMs: 90_000, intervalMs: 250 },
    );
    await servedBy(replacement, 'only the replacement in the target group and the registry');
    expect(await liveTargets()).not.toContain(lostTarget);
    expect((await cloudMap.instances(registry)).has(taskId(first!))).toBe(false);
    const [gone] = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [first!.taskArn!] })))
      .tasks!;
    expect(gone?.lastStatus).toBe('STOPPED');
    expect(gone?.stoppedReason).toMatch(/Task lost: container instance .* sent no heartbeat/);
  });
});
