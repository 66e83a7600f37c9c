import { posix } from 'node:path';

/**
 * The zod-free half of the cluster policy's schema: how capability names and
 * host paths are normalised and the numeric defaults. cluster-policy.ts builds
 * the schema on them; the host agent, which validates with its own small
 * checks (agent/check/) and loads no zod, applies them directly.
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

/** ECS's log drivers, as a task definition's logConfiguration names them. */
export const LOG_DRIVERS = [
  'json-file',
  'syslog',
  'journald',
  'gelf',
  'fluentd',
  'awslogs',
  'splunk',
  'awsfirelens',
] as const;
export type LogDriver = (typeof LOG_DRIVERS)[number];

/** What a cluster allows when its policy names no log drivers: Berth's own shipping and the rotated local file. */
export const DEFAULT_LOG_DRIVERS: readonly LogDriver[] = ['awslogs', 'json-file'];
