import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '#agent/index.ts';
import { awsSecretSource, MAX_ENVIRONMENT_FILE_BYTES } from '#agent/secrets/aws-secret-source.ts';
import { createSecretResolver } from '#agent/secrets/secret-resolver.ts';
import { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { testAwsClientConfig } from '../support/aws-endpoint.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import {
  busybox,
  docker,
  removeClusterContainers,
  removeTempDirs,
  startTestAgent,
  tempStateDir,
  uniqueCluster,
} from './support.ts';

const config = testAwsClientConfig();
const bucket = `berth-env-${randomUUID()}`;
const arn = (key: string) => `arn:aws:s3:::${bucket}/${key}`;
const cluster = uniqueCluster('envfiles');
let fake: FakeControlPlane;
let agent: AgentHandle;

beforeAll(async () => {
  await ensureBusyboxImage();
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  await put('app.env', '# the app\nMODE=from-file\nSHARED=first-file\nURL=http://x/?a=b=c\n');
  await put('more.env', 'SHARED=second-file\nEXTRA=yes\n');
  await put('huge.env', `BIG=${'x'.repeat(MAX_ENVIRONMENT_FILE_BYTES)}\n`);
  s3.destroy();
  fake = await FakeControlPlane.start({ pollIntervalSeconds: 0.2 });
  agent = await startTestAgent(fake, cluster, {
    stateDir: tempStateDir(),
    registrationToken: 'envfiles-token',
    secrets: createSecretResolver({ aws: awsSecretSource({ region: config.region, clientConfig: config }) }),
  });
});

afterAll(async () => {
  await agent?.stop();
  await fake?.close();
  await removeClusterContainers(cluster);
  removeTempDirs();
});

/** Environment files read from S3 with the host's credentials (here: the emulator's), as ECS's agent does. */
describe('environment files from S3', () => {
  it('sets the files’ variables beneath the container’s own, the first file winning among files', async () => {
    const spec = fake.runTask(agent.instanceId, [
      busybox('app', ['sleep', '600'], {
        environment: [{ name: 'EXTRA', value: 'from-definition' }],
        environmentFiles: [
          { type: 's3', value: arn('app.env') },
          { type: 's3', value: arn('more.env') },
        ],
      }),
    ]);
    agent.pollNow();
    const running = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const id = running.last?.containers?.[0]?.runtimeId ?? '';
    const env = new Map(
      (await docker('exec', id, 'env'))
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
    );
    expect(env.get('MODE')).toBe('from-file');
    expect(env.get('SHARED')).toBe('first-file');
    expect(env.get('URL')).toBe('http://x/?a=b=c');
    expect(env.get('EXTRA')).toBe('from-definition');
  });

  it('takes a container override’s files instead of the definition’s', async () => {
    const spec = fake.runTask(
      agent.instanceId,
      [busybox('app', ['sleep', '600'], { environmentFiles: [{ type: 's3', value: arn('app.env') }] })],
      {
        overrides: {
          containerOverrides: [{ name: 'app', environmentFiles: [{ type: 's3', value: arn('more.env') }] }],
        },
      },
    );
    agent.pollNow();
    const running = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
    const env = await docker('exec', running.last?.containers?.[0]?.runtimeId ?? '', 'env');
    expect(env).toContain('SHARED=second-file');
    expect(env).not.toContain('MODE=from-file');
  });

  it.each([
    [
      'an object that does not exist',
      arn('missing.env'),
      /environment file arn:aws:s3:::.*missing\.env could not be read: NoSuchKey/,
    ],
    ['a file over 256 KiB', arn('huge.env'), /is larger than 256 KiB/],
    ['a value that is not an S3 object ARN', 'https://example.com/a.env', /is not an S3 object ARN/],
  ])('stops the task with the reason for %s, creating no container', async (_case, value, reason) => {
    const spec = fake.runTask(agent.instanceId, [
      busybox('app', ['sleep', '600'], { environmentFiles: [{ type: 's3', value }] }),
    ]);
    agent.pollNow();
    const stopped = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    expect(JSON.stringify(stopped.last)).toMatch(reason);
    expect(stopped.last?.containers?.[0]?.runtimeId).toBeUndefined();
  });
});
