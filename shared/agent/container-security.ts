import { normalizeCapability, normalizeHostPath } from '../security/cluster-policy-defaults.ts';
import type { ClusterPolicy } from '../security/cluster-policy.ts';
import type { TaskSpec } from '../schemas/agent-api.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';
import type { BindMount, ContainerSecurity } from '../ports/container-runtime.ts';
import { liftsConfinement, securityOptionKind } from '../domain/sysctls.ts';
import { namespaceModes } from './task-namespaces.ts';

export type { BindMount, ContainerSecurity } from '../ports/container-runtime.ts';

export function containerSecurity(
  spec: TaskSpec,
  definition: ContainerDefinition,
  policy: ClusterPolicy,
): ContainerSecurity {
  const allowed = new Set(policy.allowedCapabilities);
  const added = [...new Set((definition.linuxParameters?.capabilities?.add ?? []).map(normalizeCapability))];
  const options = securityOptions(definition, policy);
  return {
    privileged: definition.privileged === true && policy.allowPrivileged,
    // The policy check refuses a container asking for more; this keeps a bug there from widening anything.
    capAdd: allowed.has('ALL') ? added : added.filter((c) => allowed.has(c)),
    noNewPrivileges: true,
    pidsLimit: policy.pidsLimit,
    ...namespaceModes(spec, definition, policy),
    ...(options.length > 0 ? { securityOptions: options } : {}),
    mounts: bindMounts(spec, definition),
  };
}

/**
 * The task definition's security options the engine gets besides
 * no-new-privileges (always set). One that lifts a confinement passes only
 * when the policy allows it; the policy check refuses the task before this.
 */
export function securityOptions(definition: ContainerDefinition, policy: ClusterPolicy): string[] {
  return (definition.dockerSecurityOptions ?? []).filter((option) => {
    const kind = securityOptionKind(option);
    if (kind === undefined || kind === 'no-new-privileges') return false;
    return policy.allowUnconfined || !liftsConfinement(option);
  });
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
