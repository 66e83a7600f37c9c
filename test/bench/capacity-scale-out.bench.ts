/**
 * Managed scale-out latency in dev mode: the time from a RunTask whose tasks
 * wait PROVISIONING on a capacity provider (no instance fits) to the
 * instances RunInstances launched being visible in EC2 (moto server).
 *
 *   npx tsx test/bench/capacity-scale-out.bench.ts [--trials 5] [--monitor-seconds 5]
 *
 * Dev mode sweeps every 5 s by default, so the figure is bounded by that
 * interval plus one sweep's work; the goal is under 10 s (docs/performance.md).
 */
import { parseArgs } from 'node:util';
import { CreateLaunchTemplateCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  ECSClient,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { startDevServer } from '#functions/runtime/dev-server.ts';
import { resolveAwsEndpoint } from '../support/aws-endpoint.ts';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '5' },
    'monitor-seconds': { type: 'string', default: '5' },
  },
});

const moto = await resolveAwsEndpoint();
const aws = {
  endpoint: moto.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
};
const ec2 = new EC2Client(aws);
const server = await startDevServer({
  port: 0,
  env: {
    ...process.env,
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_EC2: moto.url,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    BERTH_MONITOR_INTERVAL_SECONDS: args['monitor-seconds'],
  },
});
const ecs = new ECSClient({
  endpoint: server.endpoint,
  region: 'us-east-1',
  credentials: server.adminKey!,
  maxAttempts: 1,
});

async function trial(i: number): Promise<number> {
  const name = `bench${i}`;
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `${name}-${Date.now()}`,
      LaunchTemplateData: { ImageId: 'ami-12c6146b' },
    }),
  );
  await ecs.send(
    new CreateCapacityProviderCommand({
      name,
      autoScalingGroupProvider: {
        autoScalingGroupArn: `arn:aws:ec2:us-east-1:123456789012:launch-template/${template.LaunchTemplate?.LaunchTemplateId}`,
        managedScaling: { status: 'ENABLED' },
      },
    }),
  );
  await ecs.send(new CreateClusterCommand({ clusterName: name }));
  await ecs.send(
    new PutClusterCapacityProvidersCommand({
      cluster: name,
      capacityProviders: [name],
      defaultCapacityProviderStrategy: [{ capacityProvider: name, weight: 1 }],
    }),
  );
  const started = performance.now();
  await ecs.send(new RunTaskCommand({ cluster: name, taskDefinition: 'bench', count: 3 }));
  for (;;) {
    const found = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:berth:capacity-provider', Values: [name] }] }),
    );
    if ((found.Reservations ?? []).length > 0) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
}

try {
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench',
      containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
    }),
  );
  const times: number[] = [];
  for (let i = 0; i < Number(args.trials); i++) times.push(await trial(i));
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(
    JSON.stringify({
      monitorSeconds: Number(args['monitor-seconds']),
      trialsMs: times.map(Math.round),
      medianMs: Math.round(median),
      maxMs: Math.round(sorted[sorted.length - 1] ?? 0),
    }),
  );
} finally {
  ecs.destroy();
  ec2.destroy();
  await server.stop();
  await moto.stop();
}
