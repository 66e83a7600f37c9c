import {
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { monitorRuntime } from '#functions/monitor/monitor-runtime.ts';
import { awsRuntime } from '#functions/runtime/aws-runtime.ts';
import { testAwsClientConfig } from '../support/aws-endpoint.ts';

/**
 * The Lambda monitor's composition root, configured only as Lambda
 * configures the function (the role's keys, the region, an endpoint
 * override), reaches EC2 through the lean client: the capacity providers'
 * fleet port is there in the monitor and nowhere else.
 */
const config = testAwsClientConfig();
const ec2 = new EC2Client(config);
const launched: string[] = [];
let templateId: string;

beforeAll(async () => {
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `berth-monitor-runtime-${Date.now()}`,
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
    }),
  );
  templateId = template.LaunchTemplate?.LaunchTemplateId ?? '';
  vi.stubEnv('AWS_ENDPOINT_URL', config.endpoint);
  vi.stubEnv('AWS_REGION', config.region);
  vi.stubEnv('AWS_ACCESS_KEY_ID', config.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', config.credentials.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', 'lambda-session-token');
  // The monitor's EC2 calls need neither; the composition root reads both.
  vi.stubEnv('BERTH_TABLE_NAME', 'berth-monitor-runtime');
  vi.stubEnv('BERTH_QUEUE_URL', `${config.endpoint}/000000000000/berth-monitor-runtime.fifo`);
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  if (launched.length > 0) await ec2.send(new TerminateInstancesCommand({ InstanceIds: launched }));
  ec2.destroy();
});

describe('the Lambda monitor runtime', () => {
  it('keeps EC2 out of the runtime the api and the scheduler share', () => {
    expect(awsRuntime().ctx.ec2).toBeUndefined();
  });

  it('launches a capacity provider’s tagged instances from its launch template', async () => {
    const fleet = monitorRuntime().ctx.ec2;
    expect(fleet).toBeDefined();
    expect(await fleet!.launchTemplateExists(templateId)).toBe(true);
    expect(await fleet!.launchTemplateExists('lt-0123456789abcdef0')).toBe(false);

    const ids = await fleet!.runInstances({
      launchTemplateId: templateId,
      count: 1,
      tags: { 'berth:capacity-provider': 'elastic', 'berth:cluster': 'default' },
    });
    launched.push(...ids);

    expect(ids).toHaveLength(1);
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    const instance = described.Reservations?.[0]?.Instances?.[0];
    expect(instance?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'berth:capacity-provider', Value: 'elastic' },
        { Key: 'berth:cluster', Value: 'default' },
      ]),
    );
  });
});
