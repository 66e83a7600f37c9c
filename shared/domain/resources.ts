import { InvalidParameterError, ClientError } from './errors.ts';
import { checkLogConfiguration } from './log-configuration.ts';
import { validateContainerOptions } from './container-options-rules.ts';
import { checkNetworkRules } from './network-rules.ts';
import type { RegisterTaskDefinitionRequest, ContainerDefinition } from '../schemas/task-definition.ts';
import type { TaskOverride } from '../schemas/task.ts';
import { containerMessages } from '../schemas/container-message-text.ts';

/** What a task reserves on an instance. */
export interface Demand {
  readonly cpu: number;
  readonly memory: number;
  /** Static host ports (TCP); dynamic ones are chosen by the agent from its range. */
  readonly ports: readonly number[];
  readonly portsUdp: readonly number[];
  /** GPUs (resourceRequirements of type GPU, summed over the containers); absent means none. */
  readonly gpus?: number;
}

/** `"1024"`, `"1 vCPU"` or `"0.25 vcpu"` to CPU units. */
export function parseCpu(value: string, field = 'cpu'): number {
  const text = value.trim();
  const vcpu = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(text);
  const units = vcpu ? Math.round(Number(vcpu[1]) * 1024) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(units) || units < 0 || units > 196608) {
    throw new InvalidParameterError(
      `Invalid '${field}' value '${value}': use CPU units such as "512" or vCPUs such as "0.5 vCPU"`,
    );
  }
  return units;
}

/** `"512"`, `"1 GB"` or `"2gb"` to MiB. */
export function parseMemory(value: string, field = 'memory'): number {
  const text = value.trim();
  const gb = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(text);
  const mib = gb ? Math.round(Number(gb[1]) * 1024) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(mib) || mib < 6) {
    throw new InvalidParameterError(
      `Invalid '${field}' value '${value}': use MiB such as "512" or GB such as "1 GB" (at least 6 MiB)`,
    );
  }
  return mib;
}

type NetworkMode = 'bridge' | 'host' | 'none' | 'awsvpc';

/** The host ports a container binds for certain, by protocol. */
export function staticHostPorts(container: ContainerDefinition, mode: NetworkMode): { tcp: number[]; udp: number[] } {
  const tcp: number[] = [];
  const udp: number[] = [];
  // An awsvpc task listens on its own address: its ports take nothing from the host's.
  if (mode === 'awsvpc') return { tcp, udp };
  for (const mapping of container.portMappings ?? []) {
    const port = mode === 'host' ? (mapping.hostPort ?? mapping.containerPort) : mapping.hostPort;
    if (port === undefined || port === 0) continue;
    (mapping.protocol === 'udp' ? udp : tcp).push(port);
  }
  return { tcp, udp };
}

/**
 * Checks what the ECS API checks of a task definition and returns its
 * normalised reservation. Throws with the container and field at fault.
 */
export function validateTaskDefinition(request: RegisterTaskDefinitionRequest): { cpu: number; memory: number } {
  const mode: NetworkMode = request.networkMode ?? 'bridge';
  checkNetworkRules(request);
  const names = new Set<string>();
  for (const c of request.containerDefinitions) {
    if (names.has(c.name)) {
      throw new ClientError(containerMessages.duplicateName);
    }
    names.add(c.name);
    checkLogConfiguration(c);
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memoryReservation > c.memory) {
      throw new ClientError(
        `Invalid setting for container '${c.name}': memoryReservation (${c.memoryReservation}) must not exceed memory (${c.memory})`,
      );
    }
    if (request.memory === undefined && c.memory === undefined && c.memoryReservation === undefined) {
      throw new ClientError(
        `Invalid setting for container '${c.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
      );
    }
    for (const m of c.portMappings ?? []) {
      if (m.containerPort === undefined) {
        throw new ClientError(`Invalid port mapping in container '${c.name}': containerPort is required`);
      }
      if (mode === 'none') {
        throw new ClientError(`Container '${c.name}' maps ports, but networkMode none has no network`);
      }
      if (mode === 'host' && m.hostPort !== undefined && m.hostPort !== m.containerPort) {
        throw new ClientError(
          `Invalid port mapping in container '${c.name}': with networkMode host, hostPort must equal containerPort`,
        );
      }
    }
    for (const d of c.dependsOn ?? []) {
      if (!request.containerDefinitions.some((other) => other.name === d.containerName)) {
        throw new ClientError(`Container '${c.name}' depends on unknown container '${d.containerName}'`);
      }
    }
  }
  if (!request.containerDefinitions.some((c) => c.essential !== false)) {
    throw new ClientError('A task definition must have at least one essential container');
  }
  const seen = new Set<string>();
  for (const c of request.containerDefinitions) {
    const { tcp, udp } = staticHostPorts(c, mode);
    for (const p of [...tcp.map((x) => `tcp/${x}`), ...udp.map((x) => `udp/${x}`)]) {
      if (seen.has(p)) throw new ClientError(`Host port ${p} is mapped twice in the task definition`);
      seen.add(p);
    }
  }
  validateContainerOptions(request);
  return taskReservation(request, {});
}

/** Task-level cpu and memory, from the task's own fields or the sum of its containers. */
export function taskReservation(
  definition: Pick<RegisterTaskDefinitionRequest, 'cpu' | 'memory' | 'containerDefinitions'>,
  overrides: TaskOverride,
): { cpu: number; memory: number } {
  const byName = new Map((overrides.containerOverrides ?? []).map((o) => [o.name, o]));
  const containers = definition.containerDefinitions.map((c) => {
    const o = byName.get(c.name);
    return {
      cpu: o?.cpu ?? c.cpu ?? 0,
      memory: o?.memoryReservation ?? c.memoryReservation ?? o?.memory ?? c.memory ?? 0,
    };
  });
  const cpuText = overrides.cpu ?? definition.cpu;
  const memoryText = overrides.memory ?? definition.memory;
  return {
    cpu: cpuText !== undefined ? parseCpu(cpuText) : containers.reduce((sum, c) => sum + c.cpu, 0),
    memory: memoryText !== undefined ? parseMemory(memoryText) : containers.reduce((sum, c) => sum + c.memory, 0),
  };
}

/** Everything one task reserves, ports included. */
export function taskDemand(
  definition: Pick<RegisterTaskDefinitionRequest, 'cpu' | 'memory' | 'containerDefinitions' | 'networkMode'>,
  overrides: TaskOverride,
): Demand {
  const { cpu, memory } = taskReservation(definition, overrides);
  const mode: NetworkMode = definition.networkMode ?? 'bridge';
  const ports: number[] = [];
  const portsUdp: number[] = [];
  for (const c of definition.containerDefinitions) {
    const { tcp, udp } = staticHostPorts(c, mode);
    ports.push(...tcp);
    portsUdp.push(...udp);
  }
  const gpus = definition.containerDefinitions.reduce(
    (sum, c) => sum + Number(c.resourceRequirements?.find((r) => r.type === 'GPU')?.value ?? 0),
    0,
  );
  return { cpu, memory, ports, portsUdp, ...(gpus > 0 ? { gpus } : {}) };
}
