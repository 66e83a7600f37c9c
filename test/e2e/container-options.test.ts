import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBerth } from '../support/berth.ts';
import { containersLabelled } from '../support/agents.ts';
import { BUSYBOX_IMAGE } from '../support/busybox-image.ts';
import { startContainerCluster, type ContainerCluster } from '../support/container-cluster.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const CLUSTER = 'options-e2e';

/** Container definition members beyond the basics, through the unmodified ECS SDK to real containers. */
describe('container options', { timeout: 180_000 }, () => {
  let cluster: ContainerCluster;
  let berth: TestBerth;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 1);
    ({ berth } = cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const app = (extra: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
    name: 'app',
    image: BUSYBOX_IMAGE,
    memory: 32,
    ...extra,
  });

  async function refusal(
    input: Partial<RegisterTaskDefinitionCommandInput>,
  ): Promise<{ name: string; message: string }> {
    try {
      await berth.ecs.send(
        new RegisterTaskDefinitionCommand({ family: 'bad', containerDefinitions: [app()], ...input }),
      );
    } catch (error) {
      const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      expect(e.$metadata?.httpStatusCode).toBe(400);
      return { name: e.name, message: e.message };
    }
    throw new Error('RegisterTaskDefinition accepted it');
  }

  it.each<[string, Partial<RegisterTaskDefinitionCommandInput>, string, RegExp]>([
    [
      'an unknown ulimit name',
      { containerDefinitions: [app({ ulimits: [{ name: 'files' as 'nofile', softLimit: 1, hardLimit: 1 }] })] },
      'InvalidParameterException',
      /ulimits\.0\.name/,
    ],
    [
      'a short restartAttemptPeriod',
      { containerDefinitions: [app({ restartPolicy: { enabled: true, restartAttemptPeriod: 30 } })] },
      'InvalidParameterException',
      /restartAttemptPeriod must be between 60 and 1800/,
    ],
    [
      '51 ignored exit codes',
      {
        containerDefinitions: [
          app({ restartPolicy: { enabled: true, ignoredExitCodes: Array.from({ length: 51 }, (_, i) => i) } }),
        ],
      },
      'InvalidParameterException',
      /at most 50 exit codes/,
    ],
    [
      'volumesFrom itself',
      { containerDefinitions: [app({ volumesFrom: [{ sourceContainer: 'app' }] })] },
      'ClientException',
      /volumesFrom cannot name the container itself/,
    ],
    [
      'volumesFrom an unknown container',
      { containerDefinitions: [app({ volumesFrom: [{ sourceContainer: 'db' }] })] },
      'ClientException',
      /'db' is not a container of this task definition/,
    ],
    [
      'volumesFrom in a cycle',
      {
        containerDefinitions: [
          app({ volumesFrom: [{ sourceContainer: 'b' }] }),
          app({ name: 'b', volumesFrom: [{ sourceContainer: 'app' }] }),
        ],
      },
      'ClientException',
      /cycle between containers app -> b -> app/,
    ],
    [
      'a host-wide sysctl',
      { containerDefinitions: [app({ systemControls: [{ namespace: 'vm.swappiness', value: '1' }] })] },
      'ClientException',
      /'vm.swappiness' is not a namespaced kernel parameter/,
    ],
    [
      'a net sysctl in host network mode',
      {
        networkMode: 'host',
        containerDefinitions: [app({ systemControls: [{ namespace: 'net.core.somaxconn', value: '512' }] })],
      },
      'ClientException',
      /host network mode does not support/,
    ],
    [
      'an IPC sysctl in host IPC mode',
      {
        ipcMode: 'host',
        containerDefinitions: [app({ systemControls: [{ namespace: 'kernel.shmmni', value: '8192' }] })],
      },
      'ClientException',
      /host IPC mode does not support/,
    ],
    [
      'an unknown security option',
      { containerDefinitions: [app({ dockerSecurityOptions: ['privileged'] })] },
      'ClientException',
      /dockerSecurityOptions 'privileged' is not one of/,
    ],
    [
      'an inference accelerator',
      { containerDefinitions: [app({ resourceRequirements: [{ type: 'InferenceAccelerator', value: 'device_1' }] })] },
      'ClientException',
      /Elastic Inference is no longer available/,
    ],
    [
      'a fractional GPU',
      { containerDefinitions: [app({ resourceRequirements: [{ type: 'GPU', value: '0.5' }] })] },
      'ClientException',
      /whole number of GPUs/,
    ],
    [
      'ephemeral storage',
      { ephemeralStorage: { sizeInGiB: 30 } },
      'ClientException',
      /only supported for tasks hosted on Fargate/,
    ],
    [
      'ephemeral storage out of bounds',
      { ephemeralStorage: { sizeInGiB: 20 } },
      'InvalidParameterException',
      /between 21 and 200/,
    ],
    [
      'credential specs',
      { containerDefinitions: [app({ credentialSpecs: ['credentialspecdomainless:arn:aws:s3:::b/k.json'] })] },
      'ClientException',
      /credentialSpecs is not supported by Berth/,
    ],
    [
      'an environment file that is not an S3 object',
      { containerDefinitions: [app({ environmentFiles: [{ type: 's3', value: 'https://example.com/a.env' }] })] },
      'ClientException',
      /ARN of an S3 object with the \.env extension/,
    ],
  ])('refuses %s', async (_, input, name, message) => {
    const answer = await refusal(input);
    expect(answer.name).toBe(name);
    expect(answer.message).toMatch(message);
  });

  it('accepts and describes the members it honours', async () => {
    const out = await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'accepted',
        containerDefinitions: [
          app({
            restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 },
            versionConsistency: 'disabled',
            environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/app.env' }],
            resourceRequirements: [{ type: 'GPU', value: '1' }],
          }),
        ],
      }),
    );
    expect(out.taskDefinition?.containerDefinitions?.[0]).toMatchObject({
      restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 },
      versionConsistency: 'disabled',
      resourceRequirements: [{ type: 'GPU', value: '1' }],
    });
  });

  it('places a GPU task only on an instance with GPUs, and says why when none has them', async () => {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'gpu',
        containerDefinitions: [app({ command: ['sleep', '600'], resourceRequirements: [{ type: 'GPU', value: '1' }] })],
      }),
    );
    const out = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'gpu' }));
    expect(out.tasks).toEqual([]);
    expect(out.failures?.[0]?.reason).toMatch(/RESOURCE:GPU/);
  });

  async function inspect(taskId: string, container: string): Promise<Record<string, any>> {
    const [id] = await containersLabelled({ 'com.berth.task-id': taskId, 'com.berth.container-name': container });
    const { stdout } = await run('docker', ['inspect', id ?? 'missing']);
    return (JSON.parse(stdout) as Record<string, any>[])[0] ?? {};
  }

  async function exec(taskId: string, container: string, command: string): Promise<string> {
    const [id] = await containersLabelled({ 'com.berth.task-id': taskId, 'com.berth.container-name': container });
    const { stdout } = await run('docker', ['exec', id ?? 'missing', 'sh', '-c', command]);
    return stdout.trim();
  }

  it('runs a task with tmpfs, shm, ulimits, sysctls, volumesFrom and task pid/ipc namespaces', async () => {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'options',
        pidMode: 'task',
        ipcMode: 'task',
        containerDefinitions: [
          app({
            name: 'holder',
            command: ['sleep', '600'],
            systemControls: [{ namespace: 'kernel.shmmni', value: '8000' }],
          }),
          app({
            command: ['sleep', '600'],
            volumesFrom: [{ sourceContainer: 'holder', readOnly: true }],
            linuxParameters: {
              sharedMemorySize: 64,
              tmpfs: [{ containerPath: '/scratch', size: 16, mountOptions: ['noexec'] }],
            },
            ulimits: [{ name: 'nofile', softLimit: 1000, hardLimit: 2000 }],
            systemControls: [{ namespace: 'net.core.somaxconn', value: '512' }],
          }),
        ],
      }),
    );
    const out = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'options' }));
    expect(out.failures).toEqual([]);
    const arn = out.tasks?.[0]?.taskArn ?? '';
    const taskId = arn.split('/').pop() ?? '';
    const task = await waitFor(
      async () => {
        const t = (await berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks?.[0];
        return t?.lastStatus === 'RUNNING' || t?.lastStatus === 'STOPPED' ? t : undefined;
      },
      { timeoutMs: 90_000, what: 'the task to run' },
    );
    expect((task as Task).stoppedReason).toBeUndefined();
    expect(task.lastStatus).toBe('RUNNING');

    const holder = await inspect(taskId, 'holder');
    const inspected = await inspect(taskId, 'app');
    const holderName = String(holder.Name).replace(/^\//, '');
    const holderId = String(holder.Id);
    expect(holder.HostConfig.IpcMode).toBe('shareable');
    expect(inspected.HostConfig).toMatchObject({
      Tmpfs: { '/scratch': 'size=16m,noexec' },
      ShmSize: 64 * 1024 * 1024,
      Ulimits: [{ Name: 'nofile', Soft: 1000, Hard: 2000 }],
      Sysctls: { 'net.core.somaxconn': '512' },
      VolumesFrom: [`${holderName}:ro`],
      PidMode: `container:${holderId}`,
      IpcMode: `container:${holderId}`,
    });

    // And inside: the settings hold, and both containers see one PID and one IPC namespace.
    expect(await exec(taskId, 'app', 'cat /proc/sys/net/core/somaxconn')).toBe('512');
    // The kernel's own record of the limits (soft, hard): shells differ in which one a bare `ulimit -n` prints.
    expect(await exec(taskId, 'app', "grep 'Max open files' /proc/self/limits")).toMatch(/\s1000\s+2000\s/);
    expect(await exec(taskId, 'app', "grep ' /scratch ' /proc/mounts")).toMatch(/tmpfs .*noexec/);
    expect(await exec(taskId, 'holder', 'cat /proc/sys/kernel/shmmni')).toBe('8000');
    for (const ns of ['pid', 'ipc']) {
      expect(await exec(taskId, 'app', `readlink /proc/self/ns/${ns}`)).toBe(
        await exec(taskId, 'holder', `readlink /proc/self/ns/${ns}`),
      );
    }
  });
});
