import { posix } from 'node:path';
import type { ClusterPolicy } from './cluster-policy.ts';

/**
 * The parts of the cluster policy that need no schema: its secure defaults
 * and the normalisation of capability names and host paths. They live apart
 * from cluster-policy.ts so that the host agent, which applies them but
 * validates with its own small checks (agent/check/), loads no zod.
 */

export function normalizeCapability(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice('CAP_'.length) : upper;
}

export function normalizeHostPath(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/**
 * Every container's pids limit unless the policy sets another. Low enough to
 * stop a fork bomb; not 1024, which thread-heavy runtimes (a JVM counts every
 * thread) reach in ordinary use.
 */
export const DEFAULT_PIDS_LIMIT = 4096;
/** The hard memory limit of a container for which neither the container nor the task sets one. */
export const DEFAULT_MEMORY_MIB = 512;

/**
 * What `clusterPolicy.parse({})` gives: nothing beyond a hardened container,
 * images from anywhere. Written out (a unit test holds it to the schema) so
 * that reading it loads no schema.
 */
export const DEFAULT_CLUSTER_POLICY: ClusterPolicy = {
  allowPrivileged: false,
  allowedCapabilities: [],
  allowHostNetwork: false,
  allowHostPid: false,
  allowedHostPaths: [],
  allowDockerSocket: false,
  allowTaskMetadataAccess: false,
  pidsLimit: DEFAULT_PIDS_LIMIT,
  defaultMemoryMiB: DEFAULT_MEMORY_MIB,
  images: { allowedRegistries: [], requireDigest: false },
};
