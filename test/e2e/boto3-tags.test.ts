import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerth, type TestBerth } from '../support/berth.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./boto3/tags.py', import.meta.url));

/** boto3, signing with dev mode's administrator key, tags a cluster and reads the tags back. */
describe('tags through boto3', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerth();
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('tags, untags, lists, and describes with include TAGS only', async () => {
    const { stdout } = await run('python3', [SCRIPT], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BERTH_ENDPOINT: berth.endpoint,
        AWS_ACCESS_KEY_ID: berth.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: berth.credentials.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
      },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      tagged: [
        { key: 'team', value: 'a' },
        { key: 'owner', value: 'me' },
        { key: 'stage', value: 'dev' },
      ],
      untagged: [
        { key: 'team', value: 'a' },
        { key: 'owner', value: 'me' },
      ],
      describedWithout: false,
      describedWith: [
        { key: 'team', value: 'a' },
        { key: 'owner', value: 'me' },
      ],
      reserved: { code: 'InvalidParameterException', status: 400 },
    });
  });
});
