import type { ContainerDefinition, TaskDefinition } from '../schemas/task-definition.ts';
import { normalizeCapability, normalizeHostPath } from './cluster-policy-defaults.ts';
import type { ClusterPolicy } from './cluster-policy.ts';
import { checkImage } from './image-policy.ts';
import { liftsConfinement } from '../domain/sysctls.ts';

/**
 * Whether a task definition stays within its cluster's policy: a pure check
 * the control plane runs before anything is written (RunTask, CreateService,
 * UpdateService) and the agent runs again before creating each container.
 * Every violation names the container, what it asks for and the cluster.
 */
export interface Violation {
  /** Absent for task-level asks (network mode, pid mode). */
  readonly container?: string;
  readonly reason: string;
}

/** The parts of a task definition (or of an agent's task spec) the policy looks at. */
export type PolicySubject = Pick<TaskDefinition, 'networkMode' | 'pidMode' | 'ipcMode' | 'volumes'> & {
  readonly containerDefinitions: readonly ContainerDefinition[];
};

/**
 * Engine sockets a container must never reach unless `allowDockerSocket`:
 * binding one of these, or any directory above one, hands the container the
 * host. Other socket locations are kept out by the host-path allow-list.
 */
const ENGINE_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/podman/podman.sock',
  '/run/podman/podman.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
];

export function checkTaskDefinition(subject: PolicySubject, policy: ClusterPolicy, clusterName: string): Violation[] {
  const refused = (what: string): string => `${what}, which cluster '${clusterName}' does not allow`;
  const violations: Violation[] = [];
  if (subject.networkMode === 'host' && !policy.allowHostNetwork) {
    violations.push({ reason: refused('the task definition asks for host networking') });
  }
  if (subject.pidMode === 'host' && !policy.allowHostPid) {
    violations.push({ reason: refused("the task definition asks for the host's PID namespace") });
  }
  if (subject.ipcMode === 'host' && !policy.allowHostIpc) {
    violations.push({ reason: refused("the task definition asks for the host's IPC namespace") });
  }
  for (const container of subject.containerDefinitions) {
    for (const reason of checkContainer(container, subject, policy, clusterName)) {
      violations.push({ container: container.name, reason });
    }
  }
  return violations;
}

/** The reasons one container may not run on the cluster; empty when it may. */
export function checkContainer(
  container: ContainerDefinition,
  subject: Pick<PolicySubject, 'volumes'>,
  policy: ClusterPolicy,
  clusterName: string,
): string[] {
  const who = `container '${container.name}'`;
  const refused = (what: string): string => `${who} asks for ${what}, which cluster '${clusterName}' does not allow`;
  const reasons: string[] = [];
  if (container.privileged === true && !policy.allowPrivileged) reasons.push(refused('privileged mode'));
  const extra = disallowedCapabilities(container, policy);
  if (extra.length > 0) reasons.push(refused(`the Linux capabilities ${extra.join(', ')}`));
  for (const mount of container.mountPoints ?? []) {
    const volume = subject.volumes?.find((v) => v.name === mount.sourceVolume);
    if (!volume) {
      reasons.push(`${who} mounts volume '${mount.sourceVolume ?? ''}', which the task definition does not declare`);
      continue;
    }
    const source = volume.host?.sourcePath;
    const ask = source === undefined ? undefined : hostPathAsk(source, policy);
    if (ask) reasons.push(refused(ask));
  }
  const unconfined = (container.dockerSecurityOptions ?? []).filter(liftsConfinement);
  if (unconfined.length > 0 && !policy.allowUnconfined)
    reasons.push(refused(`the security options ${unconfined.join(', ')}`));
  const image = checkImage(container.image, policy.images, clusterName, who);
  if (image) reasons.push(image);
  const driver = container.logConfiguration?.logDriver;
  if (driver !== undefined && !policy.allowedLogDrivers.includes(driver))
    reasons.push(refused(`the log driver '${driver}'`));
  return reasons;
}

/** Added capabilities outside the allow-list, normalised (`CAP_NET_ADMIN` is `NET_ADMIN`). */
export function disallowedCapabilities(container: ContainerDefinition, policy: ClusterPolicy): string[] {
  const added = (container.linuxParameters?.capabilities?.add ?? []).map(normalizeCapability);
  const allowed = new Set(policy.allowedCapabilities.map(normalizeCapability));
  if (allowed.has('ALL')) return [];
  return [...new Set(added.filter((c) => !allowed.has(c)))];
}

/** What binding this host path asks for that the policy refuses, or undefined when it may. */
export function hostPathAsk(sourcePath: string, policy: ClusterPolicy): string | undefined {
  if (!sourcePath.startsWith('/') || sourcePath.includes('\0'))
    return `the host path '${sourcePath}', which is not absolute`;
  const path = normalizeHostPath(sourcePath);
  if (!policy.allowDockerSocket && ENGINE_SOCKETS.some((socket) => isWithin(socket, path))) {
    return `the container engine's socket (host path '${sourcePath}')`;
  }
  const isEngineSocket = ENGINE_SOCKETS.includes(path);
  if (isEngineSocket || policy.allowedHostPaths.some((allowed) => isWithin(path, allowed))) return undefined;
  return `the host path '${sourcePath}'`;
}

/** Whether `path` is `root` or lies under it, by whole path segments. */
export function isWithin(path: string, root: string): boolean {
  const base = normalizeHostPath(root);
  return path === base || path.startsWith(base === '/' ? '/' : `${base}/`);
}

/** Violations as one sentence per violation, for an error message. */
export function describeViolations(violations: readonly Violation[]): string {
  return violations.map((v) => v.reason).join('; ');
}
