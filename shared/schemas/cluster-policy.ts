import * as z from 'zod';
import { epochMs, name255 } from './common.ts';
import {
  DEFAULT_LOG_DRIVERS,
  DEFAULT_MEMORY_MIB,
  LOG_DRIVERS,
  DEFAULT_PIDS_LIMIT,
  normalizeCapability,
  normalizeHostPath,
} from './cluster-policy-normalize.ts';
import { lazySchema } from './lazy-schema.ts';

/**
 * A cluster's security policy: what its tasks may ask of the host beyond a
 * hardened container, and which images they may run. Every field has the
 * secure default, so a cluster nobody configured runs containers without
 * privilege, added capabilities, host namespaces or host mounts, from any
 * registry. The control plane checks task definitions against it at
 * RunTask, CreateService and UpdateService; the agent receives it in the
 * task spec, applies the hardening defaults and checks again.
 */

/** Linux capabilities as the engine takes them: upper case, without `CAP_`; `ALL` means every one. */
export const capabilityName = lazySchema(() =>
  z
    .string()
    .regex(/^(CAP_)?[A-Za-z_]{1,64}$/, 'a Linux capability name such as NET_ADMIN')
    .transform(normalizeCapability),
);

/** An absolute host path, normalised (no `..`, no trailing slash) so prefixes compare safely. */
export const hostPath = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(4096)
    .refine((p) => p.startsWith('/') && !p.includes('\0'), 'an absolute host path')
    .transform(normalizeHostPath),
);

/** `registry.example.com`, `*.dkr.ecr.*.amazonaws.com`, `docker.io/library/*` (see image-policy.ts). */
export const registryPattern = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9*?._:\-/]+$/, 'a registry or repository pattern such as ghcr.io/acme/*');

const imageFields = {
  /** Empty: any registry. */
  allowedRegistries: z.array(registryPattern).max(64).default([]),
  requireDigest: z.boolean().default(false),
};

const policyFields = {
  allowPrivileged: z.boolean().default(false),
  /** Capabilities `linuxParameters.capabilities.add` may name; `drop` is always honoured. */
  allowedCapabilities: z.array(capabilityName).max(64).default([]),
  allowHostNetwork: z.boolean().default(false),
  allowHostPid: z.boolean().default(false),
  allowHostIpc: z.boolean().default(false),
  /** Whether dockerSecurityOptions may lift a confinement (`seccomp=unconfined`, `apparmor:unconfined`, `label:disable`). */
  allowUnconfined: z.boolean().default(false),
  /** Host paths (and everything under them) that volumes may bind. Empty: none. */
  allowedHostPaths: z.array(hostPath).max(64).default([]),
  /** The engine's socket (or a directory holding it) is refused unless this is set, whatever the paths above say. */
  allowDockerSocket: z.boolean().default(false),
  /** Whether containers may reach the instance metadata service (169.254.169.254). */
  allowTaskMetadataAccess: z.boolean().default(false),
  /** The most processes (threads included) one container may hold. */
  pidsLimit: z.number().int().min(16).max(4_194_304).default(DEFAULT_PIDS_LIMIT),
  defaultMemoryMiB: z.number().int().min(6).max(16_777_216).default(DEFAULT_MEMORY_MIB),
  /** Log drivers task definitions may name (docs/logs.md): awslogs and json-file unless the operator says otherwise. */
  allowedLogDrivers: z
    .array(z.enum(LOG_DRIVERS))
    .max(16)
    .default([...DEFAULT_LOG_DRIVERS]),
};

/**
 * The policy as stored and as sent to agents. Unknown fields are dropped,
 * not refused, so an agent older than the control plane still reads it.
 */
export const clusterPolicy = lazySchema(() =>
  z.object({ ...policyFields, images: z.object(imageFields).prefault({}) }),
);
export type ClusterPolicy = z.infer<typeof clusterPolicy>;

/** The policy as an administrator writes it: a misspelt field is an error, missing ones take their default. */
export const clusterPolicyInput = lazySchema(() =>
  z.strictObject({ ...policyFields, images: z.strictObject(imageFields).prefault({}) }),
);
export type ClusterPolicyInput = z.input<typeof clusterPolicyInput>;

export const storedClusterPolicy = lazySchema(() =>
  z.object({
    clusterName: name255,
    policy: clusterPolicy,
    updatedAt: epochMs,
  }),
);
export type StoredClusterPolicy = z.infer<typeof storedClusterPolicy>;
