import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Boto3Target } from './boto3.ts';

const run = promisify(execFile);
/** Debian's awscli is AWS CLI v2; CI points BERTH_AWS_CLI at it. */
const AWS = process.env.BERTH_AWS_CLI ?? 'aws';

/**
 * Runs `aws ecs <args> --endpoint-url <Berth>` with the access key Berth
 * issued, as a user pointing the CLI at Berth would, and answers its JSON
 * output ({} when it prints nothing, as `aws ecs wait` does). A failing
 * command rejects with its stderr.
 */
export async function awsEcs(target: Boto3Target, ...args: string[]): Promise<Record<string, unknown>> {
  return awsCli(target, 'ecs', ...args);
}

/** The same for any of the AWS CLI's services Berth's endpoint speaks (`application-autoscaling`). */
export async function awsCli(
  target: Boto3Target,
  service: string,
  ...args: string[]
): Promise<Record<string, unknown>> {
  const { stdout } = await run(AWS, [service, ...args, '--endpoint-url', target.endpoint, '--output', 'json'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
  });
  return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
}
