import type { Task } from '../schemas/task.ts';
import type { TaskDefinition, PlacementConstraint } from '../schemas/task-definition.ts';
import type { PlacementStrategy, TaskOverride } from '../schemas/task.ts';
import type { Tag } from '../schemas/common.ts';
import type { AwsvpcConfiguration } from '../schemas/task.ts';
import { taskDemand } from './resources.ts';

export interface NewTaskInput {
  readonly taskId: string;
  readonly containerIds: readonly string[];
  readonly clusterName: string;
  readonly taskDefinitionArn: string;
  readonly definition: TaskDefinition;
  readonly overrides: TaskOverride;
  readonly startedBy?: string;
  readonly group: string;
  readonly placementStrategy: readonly PlacementStrategy[];
  readonly placementConstraints: readonly PlacementConstraint[];
  readonly tags: readonly Tag[];
  readonly now: number;
  readonly pinnedInstanceId?: string;
  /** The checked awsvpcConfiguration it was launched with (network-configuration.ts). */
  readonly awsvpcConfiguration?: AwsvpcConfiguration | undefined;
}

/** A task as RunTask creates it: PROVISIONING, wanted RUNNING, not yet placed. */
export function newTask(input: NewTaskInput): Task {
  const demand = taskDemand(input.definition, input.overrides);
  const overrideFor = new Map((input.overrides.containerOverrides ?? []).map((o) => [o.name, o]));
  return {
    taskId: input.taskId,
    clusterName: input.clusterName,
    taskDefinitionArn: input.taskDefinitionArn,
    family: input.definition.family,
    revision: input.definition.revision,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    cpu: demand.cpu,
    memory: demand.memory,
    ports: [...demand.ports],
    portsUdp: [...demand.portsUdp],
    ...(demand.gpus ? { gpus: demand.gpus } : {}),
    containers: input.definition.containerDefinitions.map((c, index) => {
      const o = overrideFor.get(c.name);
      const memory = o?.memory ?? c.memory;
      const memoryReservation = o?.memoryReservation ?? c.memoryReservation;
      const cpu = o?.cpu ?? c.cpu;
      return {
        containerId: input.containerIds[index] ?? `${input.taskId}-${index}`,
        name: c.name,
        image: c.image,
        lastStatus: 'PENDING' as const,
        networkBindings: [],
        essential: c.essential !== false,
        ...(cpu !== undefined && { cpu }),
        ...(memory !== undefined && { memory }),
        ...(memoryReservation !== undefined && { memoryReservation }),
      };
    }),
    overrides: input.overrides,
    ...(input.startedBy !== undefined && { startedBy: input.startedBy }),
    group: input.group,
    placementStrategy: [...input.placementStrategy],
    placementConstraints: [...input.placementConstraints],
    tags: [...input.tags],
    createdAt: input.now,
    reportSeq: 0,
    healthChecked: input.definition.containerDefinitions.some(
      (c) => c.essential !== false && c.healthCheck !== undefined,
    ),
    ...(input.pinnedInstanceId !== undefined && { pinnedInstanceId: input.pinnedInstanceId }),
    placementSeed: seedOf(input.taskId),
    ...(input.definition.networkMode === 'awsvpc' && {
      networkInterface: {
        attachmentId: attachmentIdOf(input.taskId),
        ...(input.awsvpcConfiguration && { awsvpcConfiguration: input.awsvpcConfiguration }),
        ports: containerPorts(input.definition),
      },
    }),
  };
}

/** The TCP container ports an awsvpc task listens on at its own address, in definition order. */
function containerPorts(definition: TaskDefinition) {
  return definition.containerDefinitions.flatMap((c) =>
    (c.portMappings ?? []).flatMap((m) =>
      m.containerPort !== undefined && (m.protocol ?? 'tcp') === 'tcp'
        ? [{ containerName: c.name, containerPort: m.containerPort }]
        : [],
    ),
  );
}

/**
 * The task's ENI attachment id: its own id (32 hex digits) in UUID form,
 * so a retried RunTask builds the same task and the core needs no random source.
 */
export function attachmentIdOf(taskId: string): string {
  return taskId.replace(/^(\w{8})(\w{4})(\w{4})(\w{4})(\w{12})$/, '$1-$2-$3-$4-$5');
}

/** A stable 32-bit seed from an id, so a retried placement decides the same way. */
export function seedOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
