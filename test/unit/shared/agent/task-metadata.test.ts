import { describe, expect, it } from 'vitest';
import { containerConfig } from '#shared/agent/container-config.ts';
import {
  clusterArnOf,
  containerDocument,
  taskDocument,
  type EngineContainerView,
} from '#shared/agent/task-metadata.ts';
import { aContainer, aSpec, aTask } from './fixtures.ts';

const view: EngineContainerView = {
  dockerId: 'abc123',
  dockerName: 'berth-t1-app',
  imageId: 'sha256:feed',
  labels: { 'com.berth.task-id': 't1' },
  createdAt: '2026-01-02T03:04:05.123456789Z',
  startedAt: '2026-01-02T03:04:06.5Z',
  memoryBytes: 64 * 1024 * 1024,
  networkMode: 'bridge',
  ipv4Addresses: ['172.17.0.5'],
};

const running = aContainer({ status: 'RUNNING', runtimeId: 'abc123', startedAt: Date.UTC(2026, 0, 2) });

describe('containerDocument', () => {
  it('has the v4 container fields Berth knows, with ECS types', () => {
    const spec = aSpec([{ name: 'app', image: 'busybox', cpu: 128, memory: 64 }]);
    const doc = containerDocument(aTask([running], { spec, status: 'RUNNING' }), running, view);
    expect(doc).toEqual({
      DockerId: 'abc123',
      Name: 'app',
      DockerName: 'berth-t1-app',
      Image: 'busybox',
      ImageID: 'sha256:feed',
      Labels: { 'com.berth.task-id': 't1' },
      DesiredStatus: 'RUNNING',
      KnownStatus: 'RUNNING',
      Limits: { CPU: 128, Memory: 64 },
      CreatedAt: '2026-01-02T03:04:05.123456789Z',
      StartedAt: '2026-01-02T03:04:06.5Z',
      Type: 'NORMAL',
      Networks: [{ NetworkMode: 'bridge', IPv4Addresses: ['172.17.0.5'] }],
    });
  });

  it('takes the image and cpu from the container overrides, and CPU 0 when none is set', () => {
    const spec = aSpec([{ name: 'app', image: 'busybox', memory: 64 }], {
      overrides: { containerOverrides: [{ name: 'app', memory: 32 }] },
    });
    const doc = containerDocument(aTask([running], { spec }), running, view);
    expect(doc.Limits).toEqual({ CPU: 0, Memory: 64 });
  });

  it('says STOPPED, with exit code and finish time, for a stopped container of a stopping task', () => {
    const stopped = aContainer({
      status: 'STOPPED',
      runtimeId: 'abc123',
      exitCode: 3,
      finishedAt: Date.UTC(2026, 0, 3),
    });
    const doc = containerDocument(aTask([stopped], { stopping: true }), stopped, undefined);
    expect(doc).toMatchObject({
      DockerId: 'abc123',
      DesiredStatus: 'STOPPED',
      KnownStatus: 'STOPPED',
      ExitCode: 3,
      FinishedAt: '2026-01-03T00:00:00.000Z',
    });
    // Without the engine's view nothing is invented: no name, image id, labels or networks.
    expect(Object.keys(doc)).not.toEqual(expect.arrayContaining(['DockerName']));
    expect(doc).not.toHaveProperty('ImageID');
    expect(doc).not.toHaveProperty('Networks');
    expect(doc).not.toHaveProperty('ContainerARN');
  });

  it('reports health only for a container with a health check', () => {
    const healthy = aContainer({ status: 'RUNNING', hasHealthCheck: true, health: 'HEALTHY' });
    expect(containerDocument(aTask([healthy]), healthy, view).Health).toEqual({ status: 'HEALTHY' });
    expect(containerDocument(aTask([running]), running, view)).not.toHaveProperty('Health');
  });
});

describe('taskDocument', () => {
  it('has the v4 task fields: cluster ARN, revision as text, limits in vCPU and MiB, EC2', () => {
    const task = aTask([running, aContainer({ name: 'side', status: 'RUNNING' })], {
      spec: aSpec([{ name: 'app', image: 'busybox', memory: 64 }], { cpu: 512, memory: 1024 }),
      status: 'RUNNING',
      pullStartedAt: Date.UTC(2026, 0, 1),
      pullStoppedAt: Date.UTC(2026, 0, 1, 0, 0, 2),
    });
    const doc = taskDocument(task, new Map([['app', view]]));
    expect(doc).toMatchObject({
      Cluster: 'arn:aws:ecs:us-east-1:000000000000:cluster/c1',
      TaskARN: 'arn:aws:ecs:us-east-1:000000000000:task/c1/t1',
      Family: 'web',
      Revision: '3',
      DesiredStatus: 'RUNNING',
      KnownStatus: 'RUNNING',
      Limits: { CPU: 0.5, Memory: 1024 },
      PullStartedAt: '2026-01-01T00:00:00.000Z',
      PullStoppedAt: '2026-01-01T00:00:02.000Z',
      LaunchType: 'EC2',
    });
    expect((doc.Containers as { Name: string }[]).map((c) => c.Name)).toEqual(['app', 'side']);
    expect(doc).not.toHaveProperty('AvailabilityZone');
  });

  it('leaves out task limits the task does not set', () => {
    expect(taskDocument(aTask(), new Map())).not.toHaveProperty('Limits');
  });
});

describe('clusterArnOf', () => {
  it.each([
    ['arn:aws:ecs:us-east-1:000000000000:task/c1/t1', 'arn:aws:ecs:us-east-1:000000000000:cluster/c1'],
    ['arn:aws-cn:ecs:cn-north-1:1:task/prod/abc', 'arn:aws-cn:ecs:cn-north-1:1:cluster/prod'],
    ['arn:aws:ecs:us-east-1:1:task/abc', undefined],
  ])('%s -> %s', (taskArn, clusterArn) => {
    expect(clusterArnOf(taskArn)).toBe(clusterArn);
  });
});

describe('the metadata URIs in a container environment', () => {
  const uris = { v3: 'http://172.17.0.1:5/v3/ab', v4: 'http://172.17.0.1:5/v4/ab' };
  const definition = {
    name: 'app',
    image: 'busybox',
    memory: 64,
    environment: [{ name: 'ECS_CONTAINER_METADATA_URI_V4', value: 'http://elsewhere' }],
  };
  const context = { instanceId: 'i-1', hostPorts: [], stopTimeoutSeconds: 30 };

  it('sets both variables, over any the definition sets', () => {
    const config = containerConfig(aSpec([definition]), definition, { ...context, metadataUris: uris });
    expect(config.environment).toContain('ECS_CONTAINER_METADATA_URI_V4=http://172.17.0.1:5/v4/ab');
    expect(config.environment).toContain('ECS_CONTAINER_METADATA_URI=http://172.17.0.1:5/v3/ab');
    expect(config.environment).not.toContain('ECS_CONTAINER_METADATA_URI_V4=http://elsewhere');
  });

  it('sets neither when the agent serves no endpoint', () => {
    const config = containerConfig(aSpec([definition]), definition, context);
    expect(config.environment.filter((e) => e.startsWith('ECS_CONTAINER_METADATA_URI='))).toEqual([]);
  });
});
