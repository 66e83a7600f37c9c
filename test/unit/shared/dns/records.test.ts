import { describe, expect, it } from 'vitest';
import { clusterDnsRecords } from '#shared/dns/records.ts';
import { HOST_ADDRESS_ATTRIBUTE } from '#shared/schemas/instance-attributes.ts';
import type { Task } from '#shared/schemas/task.ts';
import { aTask, anInstance } from '../../../fixtures/entities.ts';
import { aService } from '../../../fixtures/services.ts';

const host = (id: string, address: string) =>
  anInstance({ id, attributes: [{ name: HOST_ADDRESS_ATTRIBUTE, value: address }] });

function webTask(taskId: string, instanceId: string, hostPort: number, overrides: Partial<Task> = {}): Task {
  return aTask({
    taskId,
    group: 'service:web',
    containerInstanceId: instanceId,
    lastStatus: 'RUNNING',
    containers: [
      {
        containerId: 'c',
        name: 'app',
        image: 'app',
        lastStatus: 'RUNNING',
        essential: true,
        networkBindings: [
          { containerPort: 80, hostPort, protocol: 'tcp' },
          { containerPort: 9000, hostPort: hostPort + 1, protocol: 'tcp' },
        ],
      },
    ],
    ...overrides,
  });
}

const instances = [host('i1', '10.0.0.1'), host('i2', '10.0.0.2')];

describe('clusterDnsRecords', () => {
  it('answers A records of the hosts and SRV records of the first port mapping, per serving task', () => {
    const view = clusterDnsRecords({
      clusterName: 'Prod',
      services: [aService({ serviceName: 'Web' })],
      instances,
      tasks: [webTask('t1', 'i1', 32001), webTask('t2', 'i1', 32005), webTask('t3', 'i2', 32001)].map((t) => ({
        ...t,
        group: 'service:Web',
      })),
    });
    expect(view.refused).toEqual([]);
    expect(view.records).toEqual(
      expect.arrayContaining([
        { type: 'A', name: 'web.prod.berth', address: '10.0.0.1' },
        { type: 'A', name: 'web.prod.berth', address: '10.0.0.2' },
        { type: 'A', name: '10-0-0-1.hosts.prod.berth', address: '10.0.0.1' },
        { type: 'A', name: '10-0-0-2.hosts.prod.berth', address: '10.0.0.2' },
        { type: 'SRV', name: '_web._tcp.prod.berth', target: '10-0-0-1.hosts.prod.berth', port: 32001 },
        { type: 'SRV', name: '_web._tcp.prod.berth', target: '10-0-0-1.hosts.prod.berth', port: 32005 },
        { type: 'SRV', name: '_web._tcp.prod.berth', target: '10-0-0-2.hosts.prod.berth', port: 32001 },
      ]),
    );
    expect(view.records).toHaveLength(7);
  });

  it.each<[string, Partial<Task>]>([
    ['still starting', { lastStatus: 'PENDING' }],
    ['draining before its stop', { lastStatus: 'DEACTIVATING' }],
    ['asked to stop', { desiredStatus: 'STOPPED' }],
    ['health-checked, not yet healthy', { healthChecked: true, healthStatus: 'UNKNOWN' }],
    ['health-checked and unhealthy', { healthChecked: true, healthStatus: 'UNHEALTHY' }],
    ['not placed', { containerInstanceId: undefined }],
  ])('leaves out a task %s', (_, overrides) => {
    const view = clusterDnsRecords({
      clusterName: 'c',
      services: [aService()],
      instances,
      tasks: [webTask('t1', 'i1', 32001, overrides)],
    });
    expect(view.records).toEqual([]);
  });

  it('serves a health-checked task once it is HEALTHY', () => {
    const view = clusterDnsRecords({
      clusterName: 'c',
      services: [aService()],
      instances,
      tasks: [webTask('t1', 'i1', 32001, { healthChecked: true, healthStatus: 'HEALTHY' })],
    });
    expect(view.records).toContainEqual({ type: 'A', name: 'web.c.berth', address: '10.0.0.1' });
  });

  it('takes the port its serviceRegistries entry names', () => {
    const view = clusterDnsRecords({
      clusterName: 'c',
      services: [{ ...aService(), serviceRegistries: [{ containerName: 'app', containerPort: 9000 }] }],
      instances,
      tasks: [webTask('t1', 'i1', 32001)],
    });
    expect(view.records.filter((r) => r.type === 'SRV')).toEqual([
      { type: 'SRV', name: '_web._tcp.c.berth', target: '10-0-0-1.hosts.c.berth', port: 32002 },
    ]);
  });

  describe('an awsvpc task', () => {
    const awsvpcTask = (taskId: string, privateIpv4Address?: string) =>
      webTask(taskId, 'i1', 0, {
        containers: [
          { containerId: 'c', name: 'app', image: 'app', lastStatus: 'RUNNING', essential: true, networkBindings: [] },
        ],
        networkInterface: {
          attachmentId: taskId,
          ...(privateIpv4Address !== undefined && { privateIpv4Address }),
          ports: [
            { containerName: 'app', containerPort: 8080 },
            { containerName: 'app', containerPort: 9000 },
          ],
        },
      });

    it('is reached at its own address and its first container port, not at its host', () => {
      const view = clusterDnsRecords({
        clusterName: 'c',
        services: [aService()],
        instances,
        tasks: [awsvpcTask('t1', '10.214.0.5'), awsvpcTask('t2', '10.214.0.6')],
      });
      expect(view.records).toEqual(
        expect.arrayContaining([
          { type: 'A', name: 'web.c.berth', address: '10.214.0.5' },
          { type: 'A', name: 'web.c.berth', address: '10.214.0.6' },
          { type: 'A', name: '10-214-0-5.hosts.c.berth', address: '10.214.0.5' },
          { type: 'SRV', name: '_web._tcp.c.berth', target: '10-214-0-5.hosts.c.berth', port: 8080 },
          { type: 'SRV', name: '_web._tcp.c.berth', target: '10-214-0-6.hosts.c.berth', port: 8080 },
        ]),
      );
      expect(view.records).toHaveLength(6);
    });

    it('takes the container port its serviceRegistries entry names', () => {
      const view = clusterDnsRecords({
        clusterName: 'c',
        services: [{ ...aService(), serviceRegistries: [{ containerName: 'app', containerPort: 9000 }] }],
        instances,
        tasks: [awsvpcTask('t1', '10.214.0.5')],
      });
      expect(view.records.filter((r) => r.type === 'SRV')).toEqual([
        { type: 'SRV', name: '_web._tcp.c.berth', target: '10-214-0-5.hosts.c.berth', port: 9000 },
      ]);
    });

    it('has no records until its agent reports its address', () => {
      const view = clusterDnsRecords({
        clusterName: 'c',
        services: [aService()],
        instances,
        tasks: [awsvpcTask('t1')],
      });
      expect(view.records).toEqual([]);
    });
  });

  it('gives a task on a host without an address no records, and a task without ports only its A record', () => {
    const view = clusterDnsRecords({
      clusterName: 'c',
      services: [aService()],
      instances: [anInstance({ id: 'i9' }), ...instances],
      tasks: [webTask('t1', 'i9', 32001), webTask('t2', 'i2', 32001, { containers: [] })],
    });
    expect(view.records).toEqual([{ type: 'A', name: 'web.c.berth', address: '10.0.0.2' }]);
  });

  it('refuses a service whose name is no DNS label and two services sharing a label, serving the rest', () => {
    const tasks = ['Api', 'api', 'bad_name', 'web'].map((name, n) => ({
      ...webTask(`t${n}`, 'i1', 32001 + n * 2),
      group: `service:${name}`,
    }));
    const view = clusterDnsRecords({
      clusterName: 'c',
      services: ['Api', 'api', 'bad_name', 'web'].map((serviceName) => aService({ serviceName })),
      instances,
      tasks,
    });
    expect(view.refused.map((r) => r.serviceName)).toEqual(['Api', 'api', 'bad_name']);
    expect(view.refused[0]?.reason).toBe('services Api, api share the DNS label api');
    expect(view.refused[2]?.reason).toBe('bad_name is not a valid DNS label');
    expect(new Set(view.records.map((r) => r.name))).toEqual(
      new Set(['web.c.berth', '_web._tcp.c.berth', '10-0-0-1.hosts.c.berth']),
    );
  });

  it('leaves INACTIVE services out and sorts records, so equal views compare equal', () => {
    const input = {
      clusterName: 'c',
      services: [aService(), aService({ serviceName: 'old', status: 'INACTIVE' })],
      instances,
      tasks: [webTask('t2', 'i2', 32001), webTask('t1', 'i1', 32001)],
    };
    const reversed = { ...input, tasks: [...input.tasks].reverse() };
    expect(clusterDnsRecords(input)).toEqual(clusterDnsRecords(reversed));
    expect(clusterDnsRecords(input).refused).toEqual([]);
  });
});
