import { DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, type Task } from '@aws-sdk/client-ecs';
import { startBerthWithCluster, type TestBerth } from './berth.ts';
import { elbv2Fixture } from './elbv2.ts';
import { startHollowFleet, type HollowFleet } from './hollow-fleet.ts';

export interface BalancedFleet {
  readonly berth: TestBerth;
  readonly fleet: HollowFleet;
  readonly elb: Awaited<ReturnType<typeof elbv2Fixture>>;
  /** An `instance` target group with the asked deregistration delay. */
  readonly group: string;
  /** The service's tasks with that desired status, described. */
  tasksOf(service: string, desiredStatus?: 'RUNNING' | 'STOPPED'): Promise<Task[]>;
  /** The task's target as the group lists it: `instance-id:host-port`. */
  targetOf(task: Task): string;
  stop(): Promise<void>;
}

/**
 * Dev mode calling moto server's ELBv2, a target group, and three hollow
 * agents with EC2 instance ids (`<ec2Prefix><index>`), with the task
 * definition `web` (container `web`, container port 80 on a dynamic host
 * port): what the load balancer end-to-end suites share.
 */
export async function startBalancedFleet(options: {
  cluster: string;
  groupName: string;
  delaySeconds: number;
  ec2Prefix: string;
}): Promise<BalancedFleet> {
  const { cluster } = options;
  const elb = await elbv2Fixture();
  const group = await elb.targetGroup(options.groupName, { delaySeconds: options.delaySeconds });
  const berth = await startBerthWithCluster(cluster, {
    AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.config.endpoint,
    AWS_ACCESS_KEY_ID: elb.config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: elb.config.credentials.secretAccessKey,
    BERTH_MONITOR_INTERVAL_SECONDS: '1',
  });
  const fleet = await startHollowFleet({
    endpoint: berth.endpoint,
    cluster,
    count: 3,
    registrationToken: await berth.registrationToken(cluster, { uses: 3 }),
    resources: { cpu: 1024, memory: 1024 },
    pollIntervalMs: 200,
    longPollSeconds: 5,
    ec2InstanceId: (i) => `${options.ec2Prefix}${i}`,
  });
  await berth.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [
        { name: 'web', image: 'busybox', memory: 64, portMappings: [{ containerPort: 80, hostPort: 0 }] },
      ],
    }),
  );
  return {
    berth,
    fleet,
    elb,
    group,
    async tasksOf(service, desiredStatus = 'RUNNING') {
      const listed = await berth.ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus }));
      if ((listed.taskArns ?? []).length === 0) return [];
      const described = await berth.ecs.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }));
      return described.tasks ?? [];
    },
    targetOf(task) {
      const instance = fleet.instances.find((i) => task.containerInstanceArn === i.containerInstanceArn)!;
      const port = task.containers?.[0]?.networkBindings?.[0]?.hostPort;
      return `${options.ec2Prefix}${instance.index}:${port}`;
    },
    async stop() {
      await fleet.stop();
      await berth.stop();
      elb.destroy();
    },
  };
}
