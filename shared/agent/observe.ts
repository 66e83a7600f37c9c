import type { ContainerObservation } from '../ports/container-runtime.ts';
import type { TaskSpec } from '../schemas/agent-api.ts';
import { fromRuntimeHealth, type HealthStatus } from './health.ts';
import type { ContainerStatus } from './task-model.ts';

export interface NetworkBinding {
  readonly bindIP?: string;
  readonly containerPort?: number;
  readonly hostPort?: number;
  readonly protocol?: 'tcp' | 'udp';
}

/** What the engine says about a container, in the agent's terms. */
export interface Observed {
  readonly runtimeId: string;
  /** Undefined for states that say nothing about progress (paused, restarting, removing). */
  readonly status?: ContainerStatus;
  readonly exitCode?: number;
  readonly reason?: string;
  readonly health?: HealthStatus;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly networkBindings: readonly NetworkBinding[];
  /** Its address on its network while it runs: in awsvpc mode, the task's own. */
  readonly privateIpv4Address?: string;
  readonly macAddress?: string;
}

export const OUT_OF_MEMORY_REASON = 'OutOfMemoryError: Container killed due to memory usage';

export function observe(observation: ContainerObservation): Observed {
  const status: ContainerStatus | undefined =
    observation.state === 'running'
      ? 'RUNNING'
      : observation.state === 'exited'
        ? 'STOPPED'
        : observation.state === 'created'
          ? 'CREATED'
          : undefined;
  const reason = observation.oomKilled ? OUT_OF_MEMORY_REASON : observation.error;
  return {
    runtimeId: observation.runtimeId,
    ...(status ? { status } : {}),
    ...(observation.exitCode !== undefined ? { exitCode: observation.exitCode } : {}),
    ...(reason ? { reason } : {}),
    // An exited container keeps the engine's last verdict; it says nothing about health any more.
    ...(observation.health && status === 'RUNNING' ? { health: fromRuntimeHealth(observation.health) } : {}),
    ...(observation.startedAt !== undefined ? { startedAt: observation.startedAt } : {}),
    ...(observation.finishedAt !== undefined ? { finishedAt: observation.finishedAt } : {}),
    ...(observation.address ? { privateIpv4Address: observation.address.ipv4 } : {}),
    ...(observation.address?.mac ? { macAddress: observation.address.mac } : {}),
    networkBindings: observation.portBindings.map((b) => ({
      bindIP: b.hostIp ?? '0.0.0.0',
      containerPort: b.containerPort,
      ...(b.hostPort !== undefined ? { hostPort: b.hostPort } : {}),
      protocol: b.protocol,
    })),
  };
}

/** With host networking the engine publishes nothing: the container port is the host port. */
export function hostModeBindings(spec: TaskSpec, containerName: string): NetworkBinding[] {
  if (spec.networkMode !== 'host') return [];
  const definition = spec.containerDefinitions.find((c) => c.name === containerName);
  return (definition?.portMappings ?? [])
    .filter((m) => m.containerPort !== undefined)
    .map((m) => ({
      bindIP: '0.0.0.0',
      containerPort: m.containerPort,
      hostPort: m.containerPort,
      protocol: m.protocol ?? 'tcp',
    }));
}
