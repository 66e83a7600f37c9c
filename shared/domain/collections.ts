import * as z from 'zod';
import type { Collection, Key } from '../ports/store.ts';
import { cluster, type Cluster } from '../schemas/cluster.ts';
import {
  containerInstance,
  instanceLease,
  type ContainerInstance,
  type InstanceLease,
} from '../schemas/container-instance.ts';
import { task, type Task } from '../schemas/task.ts';
import { service, type Service } from '../schemas/service.ts';
import { controlPlanePulse, type ControlPlanePulse } from '../schemas/control-plane-pulse.ts';
import { accountSetting, type AccountSetting } from '../schemas/account-setting.ts';
import { scalableTarget, type ScalableTarget } from '../schemas/scaling.ts';
import { capacityProvider, type CapacityProvider } from '../schemas/capacity-provider.ts';
import { dnsView, type DnsView } from '../schemas/dns-view.ts';
import { instanceMetricsWindow, type InstanceMetricsWindow } from '../schemas/metrics-window.ts';
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
 *
 * This file and shared/security/collections.ts are the only places that spell
 * a partition: callers build keys with `key(...)` and name a partition to
 * list with `partition(...)`, so the layout can change in one place.
 */

/**
 * A collection that also builds its keys from their parts (a cluster name, an
 * id, ...). `partitionOf`/`sortOf` read an entity; `partition`/`key` serve
 * callers that hold only the parts.
 */
export type KeyedCollection<T, PartitionParts extends unknown[], KeyParts extends unknown[]> = Collection<T> & {
  partition(...parts: PartitionParts): string;
  key(...parts: KeyParts): Key;
};

interface Layout<T> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  /** The item's sort key: the part of `key(...)` after the partition's parts. */
  readonly sortOf: (value: T) => string;
}

/** A collection in one fixed partition (`CLUSTER`, `ACCESSKEY`, ...), keyed by one sort key. */
export function inOnePartition<T>(partition: string, layout: Layout<T>): KeyedCollection<T, [], [sort: string]> {
  return {
    ...layout,
    partition: () => partition,
    key: (sort) => ({ partition, sort }),
    partitionOf: () => partition,
  };
}

/** A collection with a partition per cluster (`TASK#<cluster>`, ...), keyed by cluster and one sort key. */
export function perCluster<T>(
  prefix: string,
  layout: Layout<T> & { readonly clusterOf: (value: T) => string },
): KeyedCollection<T, [cluster: string], [cluster: string, sort: string]> {
  const partition = (cluster: string) => `${prefix}#${cluster}`;
  return {
    name: layout.name,
    schema: layout.schema,
    sortOf: layout.sortOf,
    partition,
    key: (cluster, sort) => ({ partition: partition(cluster), sort }),
    partitionOf: (value) => partition(layout.clusterOf(value)),
  };
}

/** Revisions sort as numbers when padded to a fixed width. */
function revisionKey(revision: number): string {
  return String(revision).padStart(10, '0');
}

export const clusters = inOnePartition<Cluster>('CLUSTER', {
  name: 'cluster',
  schema: cluster,
  sortOf: (c) => c.clusterName,
});

export const taskDefinitionFamilies = inOnePartition<TaskDefinitionFamily>('FAMILY', {
  name: 'family',
  schema: taskDefinitionFamily,
  sortOf: (f) => f.family,
});

/** Every revision in one partition, so ListTaskDefinitions is one query. */
export const taskDefinitions: KeyedCollection<TaskDefinition, [], [family: string, revision: number]> & {
  /** The sort-key prefix of every revision of one family, for a query. */
  familyPrefix(family: string): string;
} = {
  name: 'taskdef',
  schema: taskDefinition,
  partition: () => 'TASKDEF',
  key: (family, revision) => ({
    partition: taskDefinitions.partition(),
    sort: `${taskDefinitions.familyPrefix(family)}${revisionKey(revision)}`,
  }),
  familyPrefix: (family) => `${family}#`,
  partitionOf: () => taskDefinitions.partition(),
  sortOf: (t) => taskDefinitions.key(t.family, t.revision).sort,
};

/**
 * A DELETE_IN_PROGRESS revision that something still used when it was
 * deleted: the monitor's small work list (one query, usually empty), so it
 * never scans every revision to finish deletions.
 */
export const pendingDeletion = z.object({ family: z.string(), revision: z.number().int().positive() });
export type PendingDeletion = z.infer<typeof pendingDeletion>;
export const pendingTaskDefinitionDeletions = inOnePartition<PendingDeletion>('TASKDEFDELETE', {
  name: 'taskdef-pending-deletion',
  schema: pendingDeletion,
  sortOf: (p) => taskDefinitions.key(p.family, p.revision).sort,
});

export const containerInstances = perCluster<ContainerInstance>('INSTANCE', {
  name: 'instance',
  schema: containerInstance,
  clusterOf: (i) => i.clusterName,
  sortOf: (i) => i.id,
});

/** Leases in a partition of their own: the monitor reads a cluster's at once, and instance queries never carry them. */
export const instanceLeases = perCluster<InstanceLease>('LEASE', {
  name: 'lease',
  schema: instanceLease,
  clusterOf: (l) => l.clusterName,
  sortOf: (l) => l.instanceId,
});

export const tasks = perCluster<Task>('TASK', {
  name: 'task',
  schema: task,
  clusterOf: (t) => t.clusterName,
  sortOf: (t) => t.taskId,
});

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

export const idempotencyRecords: KeyedCollection<
  IdempotencyRecord,
  [cluster: string],
  [cluster: string, operation: string, token: string]
> = {
  name: 'token',
  schema: idempotencyRecord,
  partition: (cluster) => `TOKEN#${cluster}`,
  key: (cluster, operation, token) => ({
    partition: idempotencyRecords.partition(cluster),
    sort: `${operation}#${token}`,
  }),
  partitionOf: (r) => idempotencyRecords.partition(r.clusterName),
  sortOf: (r) => idempotencyRecords.key(r.clusterName, r.operation, r.token).sort,
};

export const services = perCluster<Service>('SERVICE', {
  name: 'service',
  schema: service,
  clusterOf: (s) => s.clusterName,
  sortOf: (s) => s.serviceName,
});

/** One item for the whole deployment: the monitor's record of the control plane's availability. */
export const controlPlanePulses: KeyedCollection<ControlPlanePulse, [], []> = {
  name: 'pulse',
  schema: controlPlanePulse,
  partition: () => 'MONITOR',
  key: () => ({ partition: controlPlanePulses.partition(), sort: 'pulse' }),
  partitionOf: () => controlPlanePulses.partition(),
  sortOf: () => controlPlanePulses.key().sort,
};

/** Account settings: one item per principal and setting name; the account's defaults under its root ARN. */
export const accountSettings = inOnePartition<AccountSetting>('ACCOUNTSETTING', {
  name: 'account-setting',
  schema: accountSetting,
  sortOf: (s) => `${s.principalArn}#${s.name}`,
});

/** Application Auto Scaling's scalable targets, all in one partition so DescribeScalableTargets is one query; sorted `<cluster>/<service>`. */
export const scalableTargets = inOnePartition<ScalableTarget>('SCALING', {
  name: 'scalable-target',
  schema: scalableTarget,
  sortOf: (t) => `${t.clusterName}/${t.serviceName}`,
});

/** Each instance's rolling window of its services' utilisation; a service's metrics are one query of the cluster's. */
export const instanceMetricsWindows = perCluster<InstanceMetricsWindow>('METRICS', {
  name: 'metrics-window',
  schema: instanceMetricsWindow,
  clusterOf: (w) => w.clusterName,
  sortOf: (w) => w.instanceId,
});

/** Capacity providers belong to the account, not a cluster, as in ECS: one partition, sorted by name. */
export const capacityProviders = inOnePartition<CapacityProvider>('CAPACITYPROVIDER', {
  name: 'capacity-provider',
  schema: capacityProvider,
  sortOf: (p) => p.name,
});

/** Each cluster's DNS view (docs/networking.md): one item, so a poll reads it with one GetItem. */
export const dnsViews = inOnePartition<DnsView>('DNSVIEW', {
  name: 'dns-view',
  schema: dnsView,
  sortOf: (v) => v.clusterName,
});
