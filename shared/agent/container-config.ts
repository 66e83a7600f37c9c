import { parseCpu, parseMemory } from '../domain/resources.ts';
import type { ContainerConfig, PortBinding } from '../ports/container-runtime.ts';
import type { TaskSpec } from '../schemas/agent-api.ts';
import type { ContainerDefinition } from '../schemas/task-definition.ts';
import { DEFAULT_CLUSTER_POLICY, normalizeCapability } from '../security/cluster-policy-defaults.ts';
import { containerOptions } from './container-options.ts';
import { containerSecurity } from './container-security.ts';
import { mergeEnvironmentFiles } from './environment-files.ts';
import { toRuntimeHealthCheck } from './health.ts';
import { LABELS, runtimeContainerName } from './labels.ts';
import { runtimeLogConfig, type AwslogsShipping } from './log-driver.ts';
import { taskNetworkEndpoint } from './task-network.ts';
import { AWSVPC_NETWORK, awsvpcPlace, taskDnsSettings } from './awsvpc-network.ts';

const MIB = 1024 * 1024;
/** The engine's default cpu period, in microseconds. */
export const CPU_PERIOD = 100_000;
/** The engine refuses quotas under 1 ms per period. */
const MIN_CPU_QUOTA = 1_000;
/** ECS gives a container without a cpu reservation the engine's minimum weight, 2 shares. */
const MIN_CPU_SHARES = 2;

export interface HostPortChoice {
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
  readonly hostPort: number;
}

export interface ContainerContext {
  readonly instanceId: string;
  /** Ports the agent picked for this container's dynamic mappings. */
  readonly hostPorts: readonly HostPortChoice[];
  readonly stopTimeoutSeconds: number;
  /**
   * Secret values resolved for this container, by environment variable
   * name. They go into the create request and nowhere else: not into the
   * task record, not into a report, not into a log line.
   */
  readonly secrets?: readonly SecretValue[];
  /** The contents of the definition's environmentFiles, in its order, once fetched. */
  readonly environmentFiles?: readonly string[];
  /** This container's task metadata endpoints (docs/agent.md), when the agent serves them. */
  readonly metadataUris?: { readonly v3: string; readonly v4: string; readonly agent?: string };
  /** Who ships awslogs containers' output; the agent when absent. */
  readonly awslogs?: AwslogsShipping;
  /** The agent's DNS server, the resolver of bridge-mode containers whose definition names none. */
  readonly resolvers?: readonly string[];
}

export interface SecretValue {
  readonly name: string;
  readonly value: string;
}

/** The definition with the task's container overrides applied. */
export function effectiveDefinition(spec: TaskSpec, definition: ContainerDefinition): ContainerDefinition {
  const override = spec.overrides.containerOverrides?.find((o) => o.name === definition.name);
  if (!override) return definition;
  const environment = new Map((definition.environment ?? []).map((e) => [e.name, e.value]));
  for (const e of override.environment ?? []) environment.set(e.name, e.value);
  return {
    ...definition,
    command: override.command ?? definition.command,
    environment: [...environment].map(([name, value]) => ({ name, value })),
    cpu: positive(override.cpu) ?? definition.cpu,
    memory: positive(override.memory) ?? definition.memory,
    memoryReservation: positive(override.memoryReservation) ?? definition.memoryReservation,
    environmentFiles: override.environmentFiles ?? definition.environmentFiles,
  };
}

/**
 * A limit as the agent applies it: zero, negative or not a finite number
 * means "not set", so the next value in line (the definition's, the task's,
 * the policy's default) applies. The engine reads Memory=0 as "no limit",
 * and a container must never get that by asking for 0.
 */
export function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Task-level cpu units and MiB, overrides first; undefined when the task sets none. */
export function taskLimits(spec: TaskSpec): { cpu?: number; memory?: number } {
  const lenient = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch {
      // The control plane validated these; an unparsable override means "not set".
      return undefined;
    }
  };
  const cpu = spec.overrides.cpu !== undefined ? lenient(() => parseCpu(spec.overrides.cpu ?? '')) : spec.cpu;
  const memory =
    spec.overrides.memory !== undefined ? lenient(() => parseMemory(spec.overrides.memory ?? '')) : spec.memory;
  const cpuLimit = positive(cpu);
  const memoryLimit = positive(memory);
  return { ...(cpuLimit ? { cpu: cpuLimit } : {}), ...(memoryLimit ? { memory: memoryLimit } : {}) };
}

/** The mappings that need a host port picked by the agent: bridge mode, hostPort 0 or absent. */
export function dynamicMappings(
  spec: TaskSpec,
  definition: ContainerDefinition,
): { containerPort: number; protocol: 'tcp' | 'udp' }[] {
  if (spec.networkMode !== 'bridge') return [];
  return (definition.portMappings ?? [])
    .filter((m) => m.containerPort !== undefined && !m.hostPort)
    .map((m) => ({ containerPort: m.containerPort ?? 0, protocol: m.protocol ?? 'tcp' }));
}

function portBindings(
  spec: TaskSpec,
  definition: ContainerDefinition,
  picked: readonly HostPortChoice[],
): PortBinding[] {
  const bindings: PortBinding[] = [];
  for (const m of definition.portMappings ?? []) {
    if (m.containerPort === undefined) continue;
    const protocol = m.protocol ?? 'tcp';
    const choice = picked.find((p) => p.containerPort === m.containerPort && p.protocol === protocol);
    const hostPort = m.hostPort ? m.hostPort : choice?.hostPort;
    bindings.push({
      containerPort: m.containerPort,
      protocol,
      ...(spec.networkMode === 'bridge' && hostPort ? { hostPort } : {}),
    });
  }
  return bindings;
}

/**
 * An ECS container definition as a runtime container config.
 *
 * cpu: CpuShares = the container's cpu units (at least 2). When the task sets
 * a task-level cpu, every container is also capped with CpuQuota/CpuPeriod
 * at the task's total (units / 1024 cores); the engine API has no per-task
 * cgroup, so the cap holds per container, not for their sum.
 * memory: the container's `memory` is the hard limit (Memory), falling back
 * to the task-level memory; `memoryReservation` is the soft limit
 * (MemoryReservation). A container for which neither sets a hard limit gets
 * the cluster policy's defaultMemoryMiB (at least its reservation): no
 * container runs without a memory limit. A limit of zero or less (an
 * override of `memory: 0`) counts as not set, never as "no limit".
 * Hardening (privilege, capabilities, pids limit, bind mounts) comes from
 * the policy in the spec, the secure default when the control plane sent none.
 */
export function containerConfig(spec: TaskSpec, base: ContainerDefinition, context: ContainerContext): ContainerConfig {
  const definition = effectiveDefinition(spec, base);
  const limits = taskLimits(spec);
  const policy = spec.policy ?? DEFAULT_CLUSTER_POLICY;
  const soft = positive(definition.memoryReservation);
  const hard = positive(definition.memory) ?? limits.memory ?? Math.max(policy.defaultMemoryMiB, soft ?? 0);
  // Secrets come last, so a plain variable of the same name cannot shadow one.
  const own = new Map((definition.environment ?? []).flatMap((e) => (e.name ? [[e.name, e.value ?? '']] : [])));
  const environment = mergeEnvironmentFiles(context.environmentFiles ?? [], own);
  for (const secret of context.secrets ?? []) environment.set(secret.name, secret.value);
  // Set by the agent, as ECS does: a definition cannot point its containers at another endpoint.
  if (context.metadataUris) {
    environment.set('ECS_CONTAINER_METADATA_URI_V4', context.metadataUris.v4);
    environment.set('ECS_CONTAINER_METADATA_URI', context.metadataUris.v3);
    if (context.metadataUris.agent) environment.set('ECS_AGENT_URI', context.metadataUris.agent);
  }
  const healthCheck = toRuntimeHealthCheck(definition.healthCheck);
  const networkMode = definition.disableNetworking
    ? 'none'
    : spec.networkMode === 'awsvpc'
      ? 'bridge'
      : spec.networkMode;
  return {
    name: runtimeContainerName(spec.taskId, definition.name),
    image: definition.image,
    ...(definition.entryPoint ? { entryPoint: definition.entryPoint } : {}),
    ...(definition.command ? { command: definition.command } : {}),
    environment: [...environment].map(([name, value]) => `${name}=${value}`),
    ...(definition.workingDirectory ? { workingDirectory: definition.workingDirectory } : {}),
    ...(definition.user ? { user: definition.user } : {}),
    ...(definition.hostname && spec.networkMode !== 'awsvpc' ? { hostname: definition.hostname } : {}),
    labels: {
      ...definition.dockerLabels,
      [LABELS.cluster]: spec.clusterName,
      [LABELS.taskId]: spec.taskId,
      [LABELS.taskArn]: spec.taskArn,
      [LABELS.containerName]: definition.name,
      [LABELS.instanceId]: context.instanceId,
      [LABELS.family]: spec.family,
      [LABELS.revision]: String(spec.revision),
    },
    cpuShares: Math.max(MIN_CPU_SHARES, positive(definition.cpu) ?? 0),
    ...(limits.cpu
      ? { cpuQuota: Math.max(MIN_CPU_QUOTA, Math.round((limits.cpu / 1024) * CPU_PERIOD)), cpuPeriod: CPU_PERIOD }
      : {}),
    memoryBytes: hard * MIB,
    ...(soft !== undefined && soft <= hard ? { memoryReservationBytes: soft * MIB } : {}),
    networkMode,
    ...networkEndpoint(spec, definition),
    portBindings: portBindings(spec, definition, context.hostPorts),
    ...(healthCheck ? { healthCheck } : {}),
    stopTimeoutSeconds: context.stopTimeoutSeconds,
    ulimits: (definition.ulimits ?? []).map((u) => ({ name: u.name, soft: u.softLimit, hard: u.hardLimit })),
    readonlyRootFilesystem: definition.readonlyRootFilesystem ?? false,
    init: definition.linuxParameters?.initProcessEnabled ?? false,
    capDrop: (definition.linuxParameters?.capabilities?.drop ?? []).map(normalizeCapability),
    ...(definition.linuxParameters?.sharedMemorySize
      ? { shmSizeBytes: definition.linuxParameters.sharedMemorySize * MIB }
      : {}),
    tty: definition.pseudoTerminal ?? false,
    openStdin: definition.interactive ?? false,
    ...dnsSettings(spec, definition, context.resolvers),
    extraHosts: (definition.extraHosts ?? []).map((h) => `${h.hostname}:${h.ipAddress}`),
    security: containerSecurity(spec, definition, policy),
    ...containerOptions(spec, definition),
    logConfig: runtimeLogConfig(definition, context.awslogs ?? 'agent'),
  };
}

function networkEndpoint(
  spec: TaskSpec,
  definition: ContainerDefinition,
): Pick<ContainerConfig, 'network' | 'joinsNetworkOf'> {
  if (definition.disableNetworking) return {};
  const place = awsvpcPlace(spec, definition);
  if (place?.kind === 'holder') return { network: { name: AWSVPC_NETWORK, aliases: [definition.name] } };
  if (place?.kind === 'joins') return { joinsNetworkOf: place.runtimeName };
  const endpoint = taskNetworkEndpoint(spec, definition);
  return endpoint ? { network: { name: endpoint.network, aliases: endpoint.aliases } } : {};
}

/** In awsvpc mode the namespace holder carries the whole task's DNS settings (awsvpc-network.ts). */
function dnsSettings(
  spec: TaskSpec,
  definition: ContainerDefinition,
  resolvers: readonly string[] = [],
): Pick<ContainerConfig, 'dnsServers' | 'dnsSearchDomains'> {
  if (spec.networkMode === 'awsvpc') return taskDnsSettings(spec);
  // Docker refuses resolvers for host-mode containers; on a task network its embedded DNS forwards to them.
  const fallback = spec.networkMode === 'bridge' ? [...resolvers] : [];
  return { dnsServers: definition.dnsServers ?? fallback, dnsSearchDomains: definition.dnsSearchDomains ?? [] };
}
