import { checkTaskDefinition } from '../security/cluster-policy-check.ts';
import { DEFAULT_CLUSTER_POLICY } from '../security/cluster-policy-defaults.ts';
import type { TaskSpec } from '../schemas/agent-api.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';

/** What this agent can do beyond creating hardened containers. */
export interface HostCapabilities {
  /** Whether the agent can resolve `secrets` (a secret resolver is wired into container creation). */
  readonly resolvesSecrets: boolean;
}

const NO_SECRETS: HostCapabilities = { resolvesSecrets: false };

/**
 * What this agent will not run, and says so instead of running something
 * else. First the cluster's policy, checked again here (the control plane
 * checked it at RunTask, but a policy may have tightened since, and an
 * agent does not take a control plane's word for what reaches its host);
 * then what the agent does not support. A container definition that asks
 * for any of these fails to start with the reason, rather than starting
 * without what it asked for.
 */
export function refusal(
  spec: TaskSpec,
  definition: ContainerDefinition,
  host: HostCapabilities = NO_SECRETS,
): string | undefined {
  const policy = spec.policy ?? DEFAULT_CLUSTER_POLICY;
  const subject = { ...spec, containerDefinitions: [definition] };
  const reasons = checkTaskDefinition(subject, policy, spec.clusterName).map((v) => v.reason);
  const unsupported = unsupportedAsks(spec, definition, host);
  if (unsupported.length > 0) {
    reasons.push(`container '${definition.name}' asks for ${unsupported.join(', ')}, which this host does not support`);
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

function unsupportedAsks(spec: TaskSpec, definition: ContainerDefinition, host: HostCapabilities): string[] {
  const asks: string[] = [];
  if (definition.linuxParameters?.devices?.length) asks.push('host devices');
  for (const point of definition.mountPoints ?? []) {
    const volume = spec.volumes.find((v) => v.name === point.sourceVolume);
    if (volume && volume.host?.sourcePath === undefined) {
      asks.push(`volume '${volume.name}' without a host sourcePath (Docker-managed volumes are not supported yet)`);
    }
    if (point.containerPath === undefined)
      asks.push(`a mount point of '${point.sourceVolume ?? ''}' without containerPath`);
  }
  if (definition.secrets?.length && !host.resolvesSecrets) asks.push('secrets (this agent has no secret resolver)');
  if (definition.links?.length && spec.networkMode !== 'bridge') asks.push('links outside bridge network mode');
  // Accepted at registration, as ECS accepts it, so real task definitions
  // register unchanged; a task that needs the log router is refused here.
  if (definition.firelensConfiguration) asks.push('firelensConfiguration (Berth runs no FireLens log router)');
  const log = definition.logConfiguration;
  if (log?.logDriver === 'awsfirelens') asks.push('the awsfirelens log driver (Berth runs no FireLens log router)');
  if (log?.logDriver === 'awslogs' && !log.options?.['awslogs-group']) asks.push('awslogs without awslogs-group');
  return asks;
}
