import { describe, expect, it } from 'vitest';
import { containerConfig } from '#shared/agent/container-config.ts';
import { createContainerBody } from '#agent/docker/create-body.ts';
import { parseLink, taskNetwork, taskNetworkEndpoint, taskNetworkName } from '#shared/agent/task-network.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { aSpec } from './fixtures.ts';

const web: ContainerDefinition = { name: 'web', image: 'busybox', memory: 16 };
const db: ContainerDefinition = { name: 'db', image: 'busybox', memory: 16 };
const client: ContainerDefinition = { name: 'client', image: 'busybox', memory: 16, links: ['db:database', 'web'] };

describe('the network of a task', () => {
  it('is named from the task id and labelled with cluster, instance and task', () => {
    expect(taskNetwork(aSpec([web, db]), 'i-1')).toEqual({
      name: 'berth-task-t1',
      labels: { 'com.berth.cluster': 'c1', 'com.berth.instance-id': 'i-1', 'com.berth.task-id': 't1' },
    });
    expect(taskNetworkName('a/b')).toBe('berth-task-a-b');
  });

  it('does not exist for a task of one container, which stays on the default bridge', () => {
    expect(taskNetwork(aSpec([web]), 'i-1')).toBeUndefined();
    expect(taskNetworkEndpoint(aSpec([web]), web)).toBeUndefined();
    expect(taskNetwork(aSpec([web, { ...db, disableNetworking: true }]), 'i-1')).toBeUndefined();
  });

  it.each(['host', 'none', 'awsvpc'] as const)('does not exist in %s mode', (networkMode) => {
    expect(taskNetwork(aSpec([web], { networkMode }), 'i-1')).toBeUndefined();
    expect(taskNetworkEndpoint(aSpec([web], { networkMode }), web)).toBeUndefined();
  });

  it.each([
    ['db:database', { container: 'db', alias: 'database' }],
    ['db', { container: 'db', alias: 'db' }],
    ['db:', { container: 'db', alias: 'db' }],
  ])('reads the link %s', (link, expected) => {
    expect(parseLink(link)).toEqual(expected);
  });

  it('gives each container its ECS name and the aliases links give it', () => {
    const spec = aSpec([web, db, client]);
    expect(taskNetworkEndpoint(spec, db)).toEqual({ network: 'berth-task-t1', aliases: ['db', 'database'] });
    expect(taskNetworkEndpoint(spec, web)).toEqual({ network: 'berth-task-t1', aliases: ['web'] });
    expect(taskNetworkEndpoint(spec, client)).toEqual({ network: 'berth-task-t1', aliases: ['client'] });
  });

  it('leaves a container with networking disabled off the network', () => {
    const quiet = { ...web, disableNetworking: true };
    expect(taskNetworkEndpoint(aSpec([quiet]), quiet)).toBeUndefined();
  });

  it('creates the container on the network with its aliases, keeping published ports', () => {
    const spec = aSpec([{ ...db, portMappings: [{ containerPort: 5432, hostPort: 0 }] }, client]);
    const definition = spec.containerDefinitions[0] as ContainerDefinition;
    const hostPorts = [{ containerPort: 5432, protocol: 'tcp' as const, hostPort: 49153 }];
    const body = createContainerBody(
      containerConfig(spec, definition, { instanceId: 'i-1', hostPorts, stopTimeoutSeconds: 30 }),
    );
    expect(body).toMatchObject({
      NetworkingConfig: { EndpointsConfig: { 'berth-task-t1': { Aliases: ['db', 'database'] } } },
      HostConfig: {
        NetworkMode: 'berth-task-t1',
        PortBindings: { '5432/tcp': [{ HostIp: '', HostPort: '49153' }] },
      },
    });
  });
});
