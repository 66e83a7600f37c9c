/**
 * Load balancer registration latency in dev mode against moto server's
 * ELBv2: for each trial, the time from a service task's RUNNING (its
 * `startedAt`) to its target showing in the target group, and from a
 * StopTask to the target leaving it (deregistration, before the drain).
 *
 *   npx tsx test/bench/load-balancer-registration.bench.ts [--trials 5] [--monitor-seconds 5]
 *
 * A hollow agent (no containers) runs the tasks, so the figures are the
 * control plane's: agent report, scheduler pass, ELBv2 calls. Results go in
 * docs/performance.md.
 */
import { parseArgs } from 'node:util';
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  CreateServiceCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { resolveAwsEndpoint } from '../support/aws-endpoint.ts';
import { startBerthWithCluster } from '../support/berth.ts';
import { startHollowFleet } from '../support/hollow-fleet.ts';
import { trialSummary } from './trial-summary.ts';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '5' },
    'monitor-seconds': { type: 'string', default: '5' },
  },
});

const CLUSTER = 'bench';
const INSTANCE = 'i-0be4c40000000000a';
const POLL_MS = 20;
const DEADLINE_MS = 60_000;

const moto = await resolveAwsEndpoint();
const aws = {
  endpoint: moto.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
};
const elb = new ElasticLoadBalancingV2Client(aws);
const ec2 = new EC2Client(aws);
const berth = await startBerthWithCluster(CLUSTER, {
  AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: moto.url,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1',
  BERTH_MONITOR_INTERVAL_SECONDS: args['monitor-seconds'],
});
const fleet = await startHollowFleet({
  endpoint: berth.endpoint,
  cluster: CLUSTER,
  count: 1,
  registrationToken: await berth.registrationToken(CLUSTER),
  resources: { cpu: 4096, memory: 4096 },
  pollIntervalMs: 100,
  longPollSeconds: 5,
  ec2InstanceId: () => INSTANCE,
});

/** Polls until `probe` answers, or fails after the deadline. */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${DEADLINE_MS} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function targets(group: string): Promise<string[]> {
  const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group }));
  return (health.TargetHealthDescriptions ?? []).map((d) => `${d.Target?.Id}:${d.Target?.Port}`);
}

async function runningTask(seen: ReadonlySet<string>): Promise<Task | undefined> {
  const listed = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, desiredStatus: 'RUNNING' }));
  const fresh = (listed.taskArns ?? []).filter((arn) => !seen.has(arn));
  if (fresh.length === 0) return undefined;
  const described = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: fresh }));
  return described.tasks?.find((t) => t.lastStatus === 'RUNNING' && t.startedAt !== undefined);
}

/** One trial: the service's newest task is registered, then stopped by hand (the service replaces it). */
async function trial(group: string, seen: Set<string>): Promise<{ registerMs: number; deregisterMs: number }> {
  const task = await until('new RUNNING task', () => runningTask(seen));
  seen.add(task.taskArn!);
  const target = `${INSTANCE}:${task.containers?.[0]?.networkBindings?.[0]?.hostPort}`;
  await until(`target ${target}`, async () => ((await targets(group)).includes(target) ? true : undefined));
  const registerMs = Date.now() - task.startedAt!.getTime();
  const stopAsked = Date.now();
  await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: task.taskArn!, reason: 'bench' }));
  await until(`target ${target} gone`, async () => ((await targets(group)).includes(target) ? undefined : true));
  return { registerMs, deregisterMs: Date.now() - stopAsked };
}

try {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const created = await elb.send(
    new CreateTargetGroupCommand({
      Name: 'bench',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: vpc.Vpc!.VpcId!,
      TargetType: 'instance',
    }),
  );
  const group = created.TargetGroups![0]!.TargetGroupArn!;
  // A short drain, so each stopped task leaves its host soon and the replacement follows.
  await elb.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: group,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '1' }],
    }),
  );
  await berth.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench',
      containerDefinitions: [
        { name: 'web', image: 'busybox', memory: 64, portMappings: [{ containerPort: 80, hostPort: 0 }] },
      ],
    }),
  );
  await berth.ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: 'web',
      taskDefinition: 'bench',
      desiredCount: 1,
      loadBalancers: [{ targetGroupArn: group, containerName: 'web', containerPort: 80 }],
    }),
  );
  const seen = new Set<string>();
  const results: { registerMs: number; deregisterMs: number }[] = [];
  for (let i = 0; i < Number(args.trials); i++) results.push(await trial(group, seen));
  console.log(
    JSON.stringify({
      monitorSeconds: Number(args['monitor-seconds']),
      runningToRegistered: trialSummary(results.map((r) => r.registerMs)),
      stopTaskToDeregistered: trialSummary(results.map((r) => r.deregisterMs)),
    }),
  );
} finally {
  await fleet.stop();
  await berth.stop();
  elb.destroy();
  ec2.destroy();
  await moto.stop();
}
