import { CreateLaunchTemplateCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startBerth, type TestBerth } from './berth.ts';
import { testAwsClientConfig, testAwsEndpoint } from './aws-endpoint.ts';

export interface Ec2Berth {
  readonly berth: TestBerth;
  /** A client of the same EC2 (moto in tests) the monitor launches into. */
  readonly ec2: EC2Client;
  /** A launch template made for the test, as a provider's autoScalingGroupArn names it. */
  readonly templateArn: string;
}

/**
 * Dev mode whose capacity providers launch into the test's EC2, with one
 * launch template ready and a fast monitor (two sweeps a second).
 */
export async function startBerthWithEc2(env: NodeJS.ProcessEnv = {}): Promise<Ec2Berth> {
  const aws = testAwsClientConfig();
  const ec2 = new EC2Client(aws);
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `berth-capacity-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' },
    }),
  );
  const templateId = template.LaunchTemplate?.LaunchTemplateId ?? '';
  const berth = await startBerth({
    AWS_ENDPOINT_URL_EC2: testAwsEndpoint(),
    AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    AWS_REGION: aws.region,
    BERTH_MONITOR_INTERVAL_SECONDS: '0.5',
    ...env,
  });
  return { berth, ec2, templateArn: `arn:aws:ec2:us-east-1:123456789012:launch-template/${templateId}` };
}
