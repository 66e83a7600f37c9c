import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AccessDeniedException,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBerth } from '#cli/berth.ts';
import { createAccessKeyResponse } from '#shared/security/admin-api.ts';
import type { TestBerth } from '../support/berth.ts';
import { startContainerCluster, type ContainerCluster, type TestAgent } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'secrets-e2e';

/** A Berth secret from `berth secrets put` into a real container's environment through dev mode and a real agent. */
describe('task secrets through dev mode', { timeout: 120_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;
  let agent: TestAgent;
  let image: string;
  const value = `s3cr3t-${randomUUID()}`;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    ({ berth, image } = cluster);
    agent = cluster.agents[0] as TestAgent;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reaches the container and nothing else', async () => {
    const code = await runBerth(['secrets', 'put', 'db', '--value-stdin'], {
      stdout: () => {},
      stderr: () => {},
      env: {
        BERTH_ENDPOINT: berth.endpoint,
        AWS_ACCESS_KEY_ID: berth.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: berth.credentials.secretAccessKey,
      },
      readStdin: async () => value,
    });
    expect(code).toBe(0);
    // The container compares a digest, so not even the task definition holds the value.
    const digest = createHash('md5').update(value).digest('hex');
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'secret-reader',
        containerDefinitions: [
          {
            name: 'app',
            image,
            memory: 32,
            command: ['sh', '-c', `[ "$(printf %s "$DB" | md5sum | cut -c1-32)" = "${digest}" ]`],
            secrets: [{ name: 'DB', valueFrom: 'berth:secret:db' }],
          },
        ],
      }),
    );
    const run = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'secret-reader' }));
    const arn = run.tasks?.[0]?.taskArn ?? '';
    const stopped = await waitFor(
      async () => {
        const out = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }));
        const task: Task | undefined = out.tasks?.[0];
        return task?.lastStatus === 'STOPPED' ? out : undefined;
      },
      { timeoutMs: 60_000, what: 'the task to stop' },
    );
    expect(stopped.tasks?.[0]?.containers?.[0]?.exitCode).toBe(0);
    const state = await Promise.all(
      (await readdir(join(agent.stateDir, 'tasks'))).map((f) => readFile(join(agent.stateDir, 'tasks', f), 'utf8')),
    );
    expect([JSON.stringify(stopped), ...state].join('\n')).not.toContain(value);
  });

  async function putSecret(args: string[], secretValue: string): Promise<void> {
    const code = await runBerth(['secrets', 'put', ...args, '--value-stdin'], {
      stdout: () => {},
      stderr: () => {},
      env: {
        BERTH_ENDPOINT: berth.endpoint,
        AWS_ACCESS_KEY_ID: berth.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: berth.credentials.secretAccessKey,
      },
      readStdin: async () => secretValue,
    });
    expect(code).toBe(0);
  }

  /** A definition whose container prints the secret and fails when it has none. */
  async function registerPrinter(family: string, secret: string): Promise<void> {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: 'app',
            image,
            memory: 32,
            command: ['sh', '-c', 'echo "$DB"; [ -n "$DB" ]'],
            secrets: [{ name: 'DB', valueFrom: `berth:secret:${secret}` }],
          },
        ],
      }),
    );
  }

  it('never reaches a task in a cluster the secret is not limited to', async () => {
    const limited = `limited-${randomUUID()}`;
    await putSecret(['elsewhere-only', '--clusters', 'elsewhere'], limited);
    await registerPrinter('limited-reader', 'elsewhere-only');
    const run = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'limited-reader' }));
    const arn = run.tasks?.[0]?.taskArn ?? '';
    const stopped = await waitFor(
      async () => {
        const out = await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }));
        return out.tasks?.[0]?.lastStatus === 'STOPPED' ? out.tasks[0] : undefined;
      },
      { timeoutMs: 60_000, what: 'the task to stop' },
    );
    expect(stopped.stopCode).toBe('TaskFailedToStart');
    expect(stopped.stoppedReason).toMatch(/SecretNotAllowed|may not be used/);
    expect(stopped.containers?.[0]?.exitCode).toBeUndefined();
    expect(JSON.stringify(stopped)).not.toContain(limited);
  });

  it('is refused at RunTask to a key that may not use it, even with a command override', async () => {
    await putSecret(['admins-only'], `admin-${randomUUID()}`);
    await registerPrinter('admin-reader', 'admins-only');
    const arn = 'arn:aws:ecs:us-east-1:000000000000';
    const response = await berth.fetch(`${berth.endpoint}/admin/v1/access-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'tenant',
        policy: {
          Statement: [
            { Effect: 'Allow', Action: ['ecs:*'], Resource: [`${arn}:cluster/${CLUSTER}`, `${arn}:task-definition/*`] },
          ],
        },
      }),
    });
    const { accessKey } = createAccessKeyResponse.parse(await response.json());
    const tenant = new ECSClient({
      endpoint: berth.endpoint,
      region: 'us-east-1',
      credentials: accessKey,
      maxAttempts: 1,
    });
    try {
      const refused = tenant.send(
        new RunTaskCommand({
          cluster: CLUSTER,
          taskDefinition: 'admin-reader',
          overrides: { containerOverrides: [{ name: 'app', command: ['env'] }] },
        }),
      );
      await expect(refused).rejects.toBeInstanceOf(AccessDeniedException);
      await expect(refused).rejects.toThrow(
        /berth:UseSecret on resource: arn:aws:berth:us-east-1:000000000000:secret\/admins-only/,
      );
    } finally {
      tenant.destroy();
    }
  });
});
