import { normalizeCapability, normalizeHostPath, type ClusterPolicy } from '../security/cluster-policy.ts';
import type { TaskSpec } from '../schemas/agent-api.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';

/**
 * The hardening every container is created with, in runtime-neutral terms.
 * What the task asked for arrives here only after the cluster's policy
 * allowed it (see host-policy.ts); the rest are the defaults a container
 * always gets: no new privileges through setuid binaries, a pids limit,
 * no added capabilities, its own PID namespace.
 */
export interface ContainerSecurity {
  readonly privileged: boolean;
  /** Capabilities added to the engine's default set, normalised (`NET_ADMIN`). */
  readonly capAdd: readonly string[];
  /** Always true: a process in the container cannot gain privileges it was not started with. */
  readonly noNewPrivileges: true;
  readonly pidsLimit: number;
  /** `host` shares the host's PID namespace; absent, the container has its own. */
  readonly pidMode?: 'host';
  /** Host paths bound into the container, each already within the policy's allow-list. */
  readonly mounts: readonly BindMount[];
}

export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/*
 * The runtime port's ContainerConfig gains the hardening here, so the port
 * file stays as it is while the Docker adapter (create-body.ts) reads it
 * with its type. Every config is built by containerConfig(), which always
 * sets it.
 */
declare module '../ports/container-runtime.ts' {
  interface ContainerConfig {
    readonly security: ContainerSecurity;
  }
}

export function containerSecurity(spec: TaskSpec, definition: ContainerDefinition, policy: ClusterPolicy): ContainerSecurity {
  const allowed = new Set(policy.allowedCapabilities);
  const added = [...new Set((definition.linuxParameters?.capabilities?.add ?? []).map(normalizeCapability))];
  return {
    privileged: definition.privileged === true && policy.allowPrivileged,
    // The policy check refuses a container asking for more; this keeps a bug there from widening anything.
    capAdd: allowed.has('ALL') ? added : added.filter((c) => allowed.has(c)),
    noNewPrivileges: true,
    pidsLimit: policy.pidsLimit,
    ...(spec.pidMode === 'host' && policy.allowHostPid ? { pidMode: 'host' as const } : {}),
    mounts: bindMounts(spec, definition),
  };
}

/** The container's mount points whose volume is a host path. */
export function bindMounts(spec: Pick<TaskSpec, 'volumes'>, definition: ContainerDefinition): BindMount[] {
  const mounts: BindMount[] = [];
  for (const point of definition.mountPoints ?? []) {
    const source = spec.volumes.find((v) => v.name === point.sourceVolume)?.host?.sourcePath;
    if (source === undefined || point.containerPath === undefined) continue;
    mounts.push({ source: normalizeHostPath(source), target: point.containerPath, readOnly: point.readOnly ?? false });
  }
  return mounts;
}
