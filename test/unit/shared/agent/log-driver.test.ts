import { describe, expect, it } from 'vitest';
import { containerConfig } from '#shared/agent/container-config.ts';
import { createContainerBody } from '#agent/docker/create-body.ts';
import { refusal } from '#shared/agent/host-policy.ts';
import { awslogsDestination, LOCAL_LOG_LIMITS, runtimeLogConfig } from '#shared/agent/log-driver.ts';
import { clusterPolicy } from '#shared/security/cluster-policy.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { aSpec } from './fixtures.ts';

const web = (logConfiguration?: ContainerDefinition['logConfiguration']): ContainerDefinition => ({
  name: 'web',
  image: 'busybox:1.36',
  ...(logConfiguration && { logConfiguration }),
});
const awslogs = (options: Record<string, string>) => web({ logDriver: 'awslogs', options });

describe('the engine log driver of a container', () => {
  it.each([
    ['no logConfiguration', web(), 'agent', { type: 'json-file', options: LOCAL_LOG_LIMITS }],
    [
      'awslogs shipped by the agent',
      awslogs({ 'awslogs-group': '/ecs/web' }),
      'agent',
      { type: 'json-file', options: LOCAL_LOG_LIMITS },
    ],
    [
      'awslogs written by the engine',
      awslogs({ 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1' }),
      'engine',
      { type: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1' } },
    ],
    [
      'json-file keeps its own limits over the defaults',
      web({ logDriver: 'json-file', options: { 'max-size': '1m' } }),
      'agent',
      { type: 'json-file', options: { 'max-size': '1m', 'max-file': '3' } },
    ],
    [
      'syslog as written',
      web({ logDriver: 'syslog', options: { tag: 'web' } }),
      'agent',
      { type: 'syslog', options: { tag: 'web' } },
    ],
  ] as const)('%s', (_, definition, shipping, expected) => {
    expect(runtimeLogConfig(definition, shipping)).toStrictEqual(expected);
  });

  it('reaches the engine as HostConfig.LogConfig', () => {
    const definition = awslogs({ 'awslogs-group': '/ecs/web' });
    const body = createContainerBody(
      containerConfig(aSpec([definition]), definition, { instanceId: 'i-1', hostPorts: [], stopTimeoutSeconds: 30 }),
    );
    expect(body.HostConfig).toMatchObject({ LogConfig: { Type: 'json-file', Config: LOCAL_LOG_LIMITS } });
  });
});

describe('where an awslogs container ships to', () => {
  it('names the stream prefix/container-name/task-id, as ECS does', () => {
    const definition = awslogs({
      'awslogs-group': '/ecs/web',
      'awslogs-stream-prefix': 'app',
      'awslogs-create-group': 'true',
    });
    expect(awslogsDestination({ taskId: 't1' }, definition, 'abc')).toStrictEqual({
      group: '/ecs/web',
      stream: 'app/web/t1',
      createGroup: true,
    });
  });

  it("names the stream after the container's engine id without a prefix", () => {
    expect(awslogsDestination({ taskId: 't1' }, awslogs({ 'awslogs-group': 'g' }), 'abc')?.stream).toBe('abc');
  });

  it('is undefined for other drivers', () => {
    expect(awslogsDestination({ taskId: 't1' }, web({ logDriver: 'json-file' }), 'abc')).toBeUndefined();
  });
});

describe('the log drivers a host runs', () => {
  it('refuses a driver outside the cluster policy, naming it', () => {
    const definition = web({ logDriver: 'syslog' });
    expect(refusal(aSpec([definition]), definition)).toContain("the log driver 'syslog'");
  });

  it('runs a driver the policy allows', () => {
    const definition = web({ logDriver: 'syslog' });
    const policy = clusterPolicy.parse({ allowedLogDrivers: ['syslog'] });
    expect(refusal(aSpec([definition], { policy }), definition)).toBeUndefined();
  });

  it('refuses awslogs without a log group', () => {
    const definition = awslogs({});
    expect(refusal(aSpec([definition]), definition)).toContain('awslogs without awslogs-group');
  });
});
