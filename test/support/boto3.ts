import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Where the Python scenario scripts live; each is run by name. */
export const BOTO3_SCENARIOS = join(import.meta.dirname, '..', 'e2e', 'boto3');

/** The endpoint and the access key Berth issued, as `startBerth` hands them out. */
export interface Boto3Target {
  readonly endpoint: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Runs one boto3 scenario script (`test/e2e/boto3/<script>`) against Berth.
 *
 * The script sees Berth through the environment a user would set, so it
 * builds its client as `boto3.client('ecs')` with no arguments:
 * `AWS_ENDPOINT_URL_ECS`, the access key Berth issued, `us-east-1`, and one
 * attempt per call (a retry would hide a wrong first answer). Extra `env`
 * entries reach the script as they are (names of clusters, images, ...).
 *
 * A script asserts with Python's `assert` and prints one JSON document on its
 * last stdout line for the test to check further; that document is the
 * result. A failing script rejects with its stderr (the Python traceback).
 */
export async function runBoto3Scenario(
  script: string,
  target: Boto3Target,
  env: Record<string, string> = {},
  options: { timeoutMs?: number } = {},
): Promise<unknown> {
  try {
    const { stdout } = await run('python3', ['-u', join(BOTO3_SCENARIOS, script)], {
      cwd: BOTO3_SCENARIOS,
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PYTHONDONTWRITEBYTECODE: '1',
        AWS_ENDPOINT_URL_ECS: target.endpoint,
        AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_MAX_ATTEMPTS: '1',
        AWS_RETRY_MODE: 'standard',
        // No shared config file or profile of the machine leaks in.
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        ...env,
      },
    });
    const last = stdout.trim().split('\n').pop() ?? '';
    return last === '' ? null : (JSON.parse(last) as unknown);
  } catch (error) {
    const failed = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`boto3 scenario ${script} failed: ${failed.message}\n${failed.stderr ?? ''}`, { cause: error });
  }
}
