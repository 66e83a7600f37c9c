import type { ClusterPolicy } from '../schemas/cluster-policy.ts';
import { DEFAULT_LOG_DRIVERS, DEFAULT_MEMORY_MIB, DEFAULT_PIDS_LIMIT } from '../schemas/cluster-policy-normalize.ts';

/**
 * The parts of the cluster policy that need no schema: its secure defaults
 * and (re-exported from shared/schemas/cluster-policy-normalize.ts) the
 * normalisation of capability names and host paths. The host agent applies
 * them but validates with its own small checks (agent/check/), so it loads no
 * zod: the schema is imported here for its type only.
 */
export {
  DEFAULT_LOG_DRIVERS,
  DEFAULT_MEMORY_MIB,
  LOG_DRIVERS,
  DEFAULT_PIDS_LIMIT,
  normalizeCapability,
  normalizeHostPath,
} from '../schemas/cluster-policy-normalize.ts';

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
  allowHostIpc: false,
  allowUnconfined: false,
  allowedHostPaths: [],
  allowDockerSocket: false,
  allowTaskMetadataAccess: false,
  pidsLimit: DEFAULT_PIDS_LIMIT,
  defaultMemoryMiB: DEFAULT_MEMORY_MIB,
  allowedLogDrivers: [...DEFAULT_LOG_DRIVERS],
  images: { allowedRegistries: [], requireDigest: false },
};
