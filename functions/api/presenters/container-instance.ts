import { arns, type Deployment } from '#shared/domain/arn.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import { compact, seconds } from './time.ts';

function integer(name: string, value: number): Record<string, unknown> {
  return { name, type: 'INTEGER', integerValue: value, doubleValue: 0, longValue: 0 };
}

function stringSet(name: string, values: readonly number[]): Record<string, unknown> {
  return { name, type: 'STRINGSET', stringSetValue: values.map(String), doubleValue: 0, longValue: 0, integerValue: 0 };
}

/** Remaining = registered minus every assignment that still holds its reservation. */
export function presentContainerInstance(d: Deployment, i: ContainerInstance): Record<string, unknown> {
  const assignments = Object.values(i.assignments);
  const used = assignments.reduce((sum, a) => ({ cpu: sum.cpu + a.cpu, memory: sum.memory + a.memory }), {
    cpu: 0,
    memory: 0,
  });
  const ports = [...i.registered.ports, ...assignments.flatMap((a) => a.ports)];
  const portsUdp = [...i.registered.portsUdp, ...assignments.flatMap((a) => a.portsUdp)];
  return compact({
    containerInstanceArn: arns.containerInstance(d, i.clusterName, i.id),
    ec2InstanceId: i.ec2InstanceId,
    version: i.generation,
    versionInfo: compact({ agentVersion: i.agentVersion, dockerVersion: i.dockerVersion }),
    registeredResources: [
      integer('CPU', i.registered.cpu),
      integer('MEMORY', i.registered.memory),
      stringSet('PORTS', i.registered.ports),
      stringSet('PORTS_UDP', i.registered.portsUdp),
    ],
    remainingResources: [
      integer('CPU', i.registered.cpu - used.cpu),
      integer('MEMORY', i.registered.memory - used.memory),
      stringSet('PORTS', ports),
      stringSet('PORTS_UDP', portsUdp),
    ],
    status: i.status,
    statusReason: i.statusReason,
    agentConnected: i.agentConnected,
    runningTasksCount: assignments.filter((a) => a.desiredStatus === 'RUNNING').length,
    pendingTasksCount: 0,
    attributes: i.attributes,
    registeredAt: seconds(i.registeredAt),
    tags: i.tags ?? [],
  });
}
