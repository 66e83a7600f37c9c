import type { Assignment, ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { PlacementStrategy } from '#shared/schemas/task.ts';
import type { PlacementConstraint } from '#shared/schemas/task-definition.ts';
import { buildFleet, type CandidateInstance } from '#shared/scheduler/fleet.ts';
import type { PlacementRequest } from '#shared/scheduler/types.ts';

/** Fixture factories for the placement engine's tests. */

export interface InstanceSpec {
  readonly id: string;
  readonly cpu?: number;
  readonly memory?: number;
  readonly status?: ContainerInstance['status'];
  readonly agentConnected?: boolean;
  readonly attributes?: Record<string, string | undefined>;
  readonly reservedPorts?: number[];
  readonly reservedPortsUdp?: number[];
  readonly assignments?: Assignment[];
  readonly ec2InstanceId?: string;
  readonly agentVersion?: string;
  readonly registeredAt?: number;
}

export function containerInstance(spec: InstanceSpec): ContainerInstance {
  return {
    id: spec.id,
    clusterName: 'default',
    status: spec.status ?? 'ACTIVE',
    ...(spec.ec2InstanceId === undefined ? {} : { ec2InstanceId: spec.ec2InstanceId }),
    ...(spec.agentVersion === undefined ? {} : { agentVersion: spec.agentVersion }),
    registered: {
      cpu: spec.cpu ?? 2048,
      memory: spec.memory ?? 4096,
      ports: spec.reservedPorts ?? [],
      portsUdp: spec.reservedPortsUdp ?? [],
    },
    attributes: Object.entries(spec.attributes ?? {}).map(([name, value]) =>
      value === undefined ? { name } : { name, value },
    ),
    assignments: Object.fromEntries((spec.assignments ?? []).map((a) => [a.taskId, a])),
    registeredAt: spec.registeredAt ?? Date.UTC(2026, 0, 1),
    heartbeatAt: Date.UTC(2026, 0, 1),
    agentConnected: spec.agentConnected ?? true,
    generation: 0,
    epoch: 0,
  };
}

let assignmentCounter = 0;

export function assignment(spec: Partial<Assignment> = {}): Assignment {
  assignmentCounter += 1;
  return {
    taskId: spec.taskId ?? `existing-${assignmentCounter}`,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
    desiredStatus: spec.desiredStatus ?? 'RUNNING',
    cpu: spec.cpu ?? 0,
    memory: spec.memory ?? 0,
    ports: spec.ports ?? [],
    portsUdp: spec.portsUdp ?? [],
    ...(spec.group === undefined ? {} : { group: spec.group }),
    assignedAt: 0,
  };
}

/** One instance as the filters and scorers see it. */
export function candidate(spec: InstanceSpec): CandidateInstance {
  const [instance] = buildFleet([containerInstance(spec)]).instances;
  if (instance === undefined) throw new Error('buildFleet dropped the instance');
  return instance;
}

export interface RequestSpec {
  readonly taskId?: string;
  readonly cpu?: number;
  readonly memory?: number;
  readonly ports?: number[];
  readonly portsUdp?: number[];
  readonly strategy?: readonly PlacementStrategy[];
  readonly constraints?: readonly PlacementConstraint[];
  readonly group?: string;
  readonly seed?: number;
}

export function placementRequest(spec: RequestSpec = {}): PlacementRequest {
  return {
    taskId: spec.taskId ?? 'task-1',
    demand: {
      cpu: spec.cpu ?? 256,
      memory: spec.memory ?? 512,
      ports: spec.ports ?? [],
      portsUdp: spec.portsUdp ?? [],
    },
    strategy: spec.strategy ?? [],
    constraints: spec.constraints ?? [],
    ...(spec.group === undefined ? {} : { group: spec.group }),
    seed: spec.seed ?? 1,
  };
}

export function memberOf(expression: string): PlacementConstraint {
  return { type: 'memberOf', expression };
}
