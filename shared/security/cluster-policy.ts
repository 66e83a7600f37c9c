import { inOnePartition } from '../domain/collections.ts';
import { storedClusterPolicy, type StoredClusterPolicy } from '../schemas/cluster-policy.ts';

// The policy's schema lives in shared/schemas/cluster-policy.ts; re-exported
// here so callers find the policy, its defaults and its storage in one place.
export {
  capabilityName,
  clusterPolicy,
  clusterPolicyInput,
  hostPath,
  registryPattern,
  storedClusterPolicy,
  type ClusterPolicy,
  type ClusterPolicyInput,
  type StoredClusterPolicy,
} from '../schemas/cluster-policy.ts';
export {
  DEFAULT_CLUSTER_POLICY,
  DEFAULT_MEMORY_MIB,
  DEFAULT_PIDS_LIMIT,
  normalizeCapability,
  normalizeHostPath,
} from './cluster-policy-defaults.ts';

/**
 * One item per cluster in a partition of its own, so the cluster item keeps
 * ECS's shape. A policy may be read on every RunTask: one strongly
 * consistent get.
 */
export const clusterPolicies = inOnePartition<StoredClusterPolicy>('CLUSTERPOLICY', {
  name: 'cluster-policy',
  schema: storedClusterPolicy,
  sortOf: (p) => p.clusterName,
});
