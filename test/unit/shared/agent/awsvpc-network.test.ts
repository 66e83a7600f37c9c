import { describe, expect, it } from 'vitest';
import { containerConfig, type ContainerContext } from '#shared/agent/container-config.ts';
import { createContainerBody } from '#agent/docker/create-body.ts';
import { awsvpcNetwork, awsvpcPlace, DEFAULT_AWSVPC_SUBNET } from '#shared/agent/awsvpc-network.ts';
import { refusal } from '#shared/agent/host-policy.ts';
import { createAfter } from '#shared/agent/task-namespaces.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { aSpec } from './fixtures.ts';

const context: ContainerContext = { instanceId: 'i-1', hostPorts: [], stopTimeoutSeconds: 30 };
const web: ContainerDefinition = {
  name: 'web',
  image: 'busybox',
  portMappings: [{ containerPort: 8080, hostPort: 8080 }],
  dnsServers: ['192.0.2.53'],
};
const side: ContainerDefinition = {
  name: 'side',
  image: 'busybox',
  essential: false,
  dnsSearchDomains: ['corp.example'],
};

function bodies(containers: ContainerDefinition[]) {
  const spec = aSpec(containers, { networkMode: 'awsvpc' });
  return containers.map((c) => createContainerBody(containerConfig(spec, c, context)));
}

describe('awsvpc on the host', () => {
  it('puts the namespace holder on the awsvpc network with the whole task DNS, publishing no host port', () => {
    const [holder] = bodies([web, side]);
    expect(holder).toMatchObject({
      NetworkingConfig: { EndpointsConfig: { 'berth-awsvpc': { Aliases: ['web'] } } },
      HostConfig: {
        NetworkMode: 'berth-awsvpc',
        PortBindings: {},
        Dns: ['192.0.2.53'],
        DnsSearch: ['corp.example'],
      },
    });
  });

  it('has every other container join the holder namespace, without DNS settings of its own', () => {
    const spec = aSpec([web, side], { networkMode: 'awsvpc' });
    const [, joiner] = bodies([web, side]);
    expect(joiner?.HostConfig).toMatchObject({ NetworkMode: `container:berth-${spec.taskId}-web`, PortBindings: {} });
    expect(joiner?.HostConfig).not.toHaveProperty('Dns');
    expect(joiner?.HostConfig).not.toHaveProperty('DnsSearch');
    expect(joiner).not.toHaveProperty('NetworkingConfig');
    expect(createAfter(spec, side)).toEqual(['web']);
    expect(createAfter(spec, web)).toEqual([]);
  });

  it('prefers an essential container that waits on no other as the holder', () => {
    const init: ContainerDefinition = { name: 'init', image: 'busybox', essential: false };
    const app: ContainerDefinition = {
      name: 'app',
      image: 'busybox',
      dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }],
    };
    const proxy: ContainerDefinition = { name: 'proxy', image: 'busybox' };
    const spec = aSpec([init, app, proxy], { networkMode: 'awsvpc' });
    expect(awsvpcPlace(spec, proxy)).toEqual({ kind: 'holder' });
    expect(awsvpcPlace(spec, init)).toEqual({ kind: 'joins', runtimeName: `berth-${spec.taskId}-proxy` });
  });

  it('is no longer refused by the host', () => {
    expect(refusal(aSpec([web], { networkMode: 'awsvpc' }), web)).toBeUndefined();
  });

  it('is one labelled network per host, on the configured subnet', () => {
    expect(awsvpcNetwork()).toEqual({
      name: 'berth-awsvpc',
      labels: { 'com.berth.network': 'awsvpc' },
      subnet: DEFAULT_AWSVPC_SUBNET,
    });
    expect(awsvpcNetwork('10.9.0.0/24').subnet).toBe('10.9.0.0/24');
  });

  it('passes dnsSearchDomains through in bridge mode', () => {
    const spec = aSpec([side], {});
    expect(createContainerBody(containerConfig(spec, side, context)).HostConfig).toMatchObject({
      DnsSearch: ['corp.example'],
    });
  });
});
