import type { RegisterInstanceRequest } from '#shared/schemas/agent-api.ts';
import type { Attribute } from '#shared/schemas/container-instance.ts';
import type { RuntimeInfo } from '#shared/ports/container-runtime.ts';
import { HOST_ADDRESS_ATTRIBUTE } from '#shared/schemas/instance-attributes.ts';
import type { Ec2Identity } from './imds.ts';

/**
 * Host ports no task may have, as ECS reserves them: sshd (22), the Docker
 * daemon (2375, 2376) and the agent's own introspection ports (51678-51680).
 */
export const DEFAULT_RESERVED_PORTS: readonly number[] = [22, 2375, 2376, 51678, 51679, 51680];

export interface DiscoveryOptions {
  readonly agentVersion: string;
  /** MiB kept back for the host and the agent itself. */
  readonly reservedMemoryMiB: number;
  /** Added to DEFAULT_RESERVED_PORTS. */
  readonly reservedPorts: readonly number[];
  readonly reservedPortsUdp: readonly number[];
  /** Operator-defined attributes, `name` to `value`. */
  readonly attributes: Readonly<Record<string, string>>;
  /** What other hosts reach this one at (see host-address.ts); reported as `berth.host.address`. */
  readonly hostAddress?: string | undefined;
}

/** ECS's names for cpu architectures; the engine reports the kernel's. */
export function ecsArchitecture(engineArchitecture: string): string {
  const known: Record<string, string> = { x86_64: 'x86_64', amd64: 'x86_64', aarch64: 'arm64', arm64: 'arm64' };
  return known[engineArchitecture] ?? engineArchitecture;
}

/**
 * What the agent registers with: resources as the engine sees them (so a
 * remote engine on tcp:// reports its own host), attributes ECS users
 * filter on, and the EC2 identity when there is one. Pure.
 */
export function registrationRequest(
  info: RuntimeInfo,
  ec2: Ec2Identity | undefined,
  options: DiscoveryOptions,
): Omit<RegisterInstanceRequest, 'instanceId'> {
  const memoryMiB = Math.floor(info.memoryBytes / (1024 * 1024)) - options.reservedMemoryMiB;
  if (memoryMiB <= 0) {
    throw new Error(
      `The host has ${Math.floor(info.memoryBytes / 1048576)} MiB; reserving ${options.reservedMemoryMiB} MiB leaves nothing for tasks`,
    );
  }
  const attributes: Attribute[] = [
    { name: 'ecs.os-type', value: info.osType },
    { name: 'ecs.os-family', value: info.osType === 'linux' ? 'LINUX' : info.osType.toUpperCase() },
    { name: 'ecs.cpu-architecture', value: ecsArchitecture(info.architecture) },
    { name: 'berth.agent-version', value: options.agentVersion },
    { name: 'berth.docker-version', value: info.engineVersion.slice(0, 128) },
    { name: `ecs.capability.docker-remote-api.${info.apiVersion}` },
    ...(ec2
      ? [
          { name: 'ecs.instance-type', value: ec2.instanceType },
          { name: 'ecs.availability-zone', value: ec2.availabilityZone },
          ...(ec2.amiId ? [{ name: 'ecs.ami-id', value: ec2.amiId }] : []),
        ]
      : []),
    ...(options.hostAddress ? [{ name: HOST_ADDRESS_ATTRIBUTE, value: options.hostAddress }] : []),
    ...Object.entries(options.attributes).map(([name, value]) => ({ name, value })),
  ];
  return {
    ...(ec2 ? { ec2InstanceId: ec2.instanceId } : {}),
    resources: {
      cpu: info.cpus * 1024,
      memory: memoryMiB,
      reservedPorts: unique([...DEFAULT_RESERVED_PORTS, ...options.reservedPorts]),
      reservedPortsUdp: unique(options.reservedPortsUdp),
    },
    attributes,
    agentVersion: options.agentVersion,
    dockerVersion: info.engineVersion.slice(0, 64),
  };
}

function unique(ports: readonly number[]): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}
