import type { ClusterPolicy } from '#shared/security/cluster-policy.ts';
import {
  DEFAULT_LOG_DRIVERS,
  DEFAULT_MEMORY_MIB,
  LOG_DRIVERS,
  DEFAULT_PIDS_LIMIT,
  normalizeCapability,
  normalizeHostPath,
} from '#shared/security/cluster-policy-defaults.ts';
import { boolean, int, oneOf, string, type Check } from './check.ts';
import { array, map, object, prefault, refine, withDefault } from './compose.ts';

/**
 * The cluster policy as a task spec carries it (shared/security/
 * cluster-policy.ts's clusterPolicy): unknown keys dropped, every missing
 * field its secure default, capability names and host paths normalised.
 */

const capabilityName = map(string({ pattern: /^(CAP_)?[A-Za-z_]{1,64}$/ }), normalizeCapability);
const hostPath = map(
  refine(
    string({ min: 1, max: 4096 }),
    (p) => p.startsWith('/') && !p.includes('\0'),
    'expected an absolute host path',
  ),
  normalizeHostPath,
);
const registryPattern = string({ min: 1, max: 512, pattern: /^[A-Za-z0-9*?._:\-/]+$/ });

const no = (): boolean => false;
const none = <T>(): T[] => [];
const flag = withDefault(boolean(), no);

const images = object({
  allowedRegistries: withDefault(array(registryPattern, { max: 64 }), none<string>),
  requireDigest: flag,
});

export const clusterPolicy: Check<ClusterPolicy> = object({
  allowPrivileged: flag,
  allowedCapabilities: withDefault(array(capabilityName, { max: 64 }), none<string>),
  allowHostNetwork: flag,
  allowHostPid: flag,
  allowHostIpc: flag,
  allowUnconfined: flag,
  allowedHostPaths: withDefault(array(hostPath, { max: 64 }), none<string>),
  allowDockerSocket: flag,
  allowTaskMetadataAccess: flag,
  pidsLimit: withDefault(int({ min: 16, max: 4_194_304 }), () => DEFAULT_PIDS_LIMIT),
  defaultMemoryMiB: withDefault(int({ min: 6, max: 16_777_216 }), () => DEFAULT_MEMORY_MIB),
  allowedLogDrivers: withDefault(array(oneOf(LOG_DRIVERS), { max: 16 }), () => [...DEFAULT_LOG_DRIVERS]),
  images: prefault(images, {}),
});
