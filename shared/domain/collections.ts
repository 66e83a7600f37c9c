import { z } from 'zod';
import type { Collection } from '../ports/store.ts';
import { cluster, type Cluster } from '../schemas/cluster.ts';
import { containerInstance, instanceLease, type ContainerInstance, type InstanceLease } from '../schemas/container-instance.ts';
import { task, type Task } from '../schemas/task.ts';
import { service, type Service } from '../schemas/service.ts';
import { controlPlanePulse, type ControlPlanePulse } from '../schemas/control-plane-pulse.ts';
import {
  taskDefinition,
  taskDefinitionFamily,
  type TaskDefinition,
  type TaskDefinitionFamily,
} from '../schemas/task-definition.ts';

/**
 * Where each entity lives in the one table. Partitions group what is listed
 * together; sort keys give the listing order. Names and ids never contain '#',
 * so it is a safe separator.
 */

/** Revisions sort as numbers when padded to a fixed width. */
export function revisionKey(revision: number): string {
  return String(revision).padStart(10, '0');
}

export const clusters: Collection<Cluster> = {
  name: 'cluster',
  schema: cluster,
  partitionOf: () => 'CLUSTER',
  sortOf: (c) => c.clusterName,
};

export const taskDefinitionFamilies: Collection<TaskDefinitionFamily> = {
  name: 'family',
  schema: taskDefinitionFamily,
  partitionOf: () => 'FAMILY',
  sortOf: (f) => f.family,
};

/** Every revision in one partition, so ListTaskDefinitions is one query. */
export const taskDefinitions: Collection<TaskDefinition> = {
  name: 'taskdef',
  schema: taskDefinition,
  partitionOf: () => 'TASKDEF',
  sortOf: (t) => `${t.family}#${revisionKey(t.revision)}`,
};

export const containerInstances: Collection<ContainerInstance> = {
  name: 'instance',
  schema: containerInstance,
  partitionOf: (i) => `INSTANCE#${i.clusterName}`,
  sortOf: (i) => i.id,
};

/** Leases in a partition of their own: the monitor reads a cluster's at once, and instance queries never carry them. */
export const instanceLeases: Collection<InstanceLease> = {
  name: 'lease',
  schema: instanceLease,
  partitionOf: (l) => `LEASE#${l.clusterName}`,
  sortOf: (l) => l.instanceId,
};

export const tasks: Collection<Task> = {
  name: 'task',
  schema: task,
  partitionOf: (t) => `TASK#${t.clusterName}`,
  sortOf: (t) => t.taskId,
};

/** A clientToken seen by RunTask: what it was sent with and what it created. */
export const idempotencyRecord = z.object({
  clusterName: z.string(),
  operation: z.string(),
  token: z.string(),
  requestHash: z.string(),
  resultIds: z.array(z.string()),
  createdAt: z.number().int(),
});
export type IdempotencyRecord = z.infer<typeof idempotencyRecord>;

export const idempotencyRecords: Collection<IdempotencyRecord> = {
  name: 'token',
  schema: idempotencyRecord,
  partitionOf: (r) => `TOKEN#${r.clusterName}`,
  sortOf: (r) => `${r.operation}#${r.token}`,
};

export const services: Collection<Service> = {
  name: 'service',
  schema: service,
  partitionOf: (s) => `SERVICE#${s.clusterName}`,
  sortOf: (s) => s.serviceName,
};

/** One item for the whole deployment: the monitor's record of the control plane's availability. */
export const controlPlanePulses: Collection<ControlPlanePulse> = {
  name: 'pulse',
  schema: controlPlanePulse,
  partitionOf: () => 'MONITOR',
  sortOf: () => 'pulse',
};
