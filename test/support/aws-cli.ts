import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Debian's awscli is AWS CLI v2; CI points BERTH_AWS_CLI at it. */
const AWS = process.env.BERTH_AWS_CLI ?? 'aws';

/**
 * Runs `aws ecs <args> --endpoint-url <endpoint> --output json` with only the
 * given key in its environment (no profile, no pager, no retries) and answers
 * its parsed output; a refusal rejects with the CLI's stderr on the error.
 */
export async function awsEcs(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  ...args: string[]
): Promise<Record<string, unknown>> {
  const { stdout } = await run(AWS, ['ecs', ...args, '--endpoint-url', endpoint, '--output', 'json'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
    },
  });
  return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
}
