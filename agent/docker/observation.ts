import type { ContainerObservation, PortBinding, RuntimeHealth } from '#shared/ports/container-runtime.ts';
import type { ContainerInspect } from './docker-schemas.ts';

/** The engine writes this zero time for "never started" and "never finished". */
const ZERO_TIME = /^0001-01-01/;

export function parseEngineTime(value: string | undefined): number | undefined {
  if (value === undefined || value === '' || ZERO_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function parseHealth(value: string | undefined): RuntimeHealth | undefined {
  return value === 'starting' || value === 'healthy' || value === 'unhealthy' ? value : undefined;
}

function parseState(status: string): ContainerObservation['state'] {
  return status === 'created' || status === 'running' || status === 'exited' ? status : 'other';
}

/** `{"80/tcp": [{HostIp, HostPort}]}` to one binding per published address. */
export function parsePorts(
  ports: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null | undefined,
): PortBinding[] {
  const result: PortBinding[] = [];
  for (const [key, hosts] of Object.entries(ports ?? {})) {
    const [port, protocol] = key.split('/');
    const containerPort = Number(port);
    if (!Number.isInteger(containerPort)) continue;
    const proto = protocol === 'udp' ? 'udp' : 'tcp';
    for (const host of hosts ?? []) {
      const hostPort = Number(host.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      result.push({ containerPort, protocol: proto, hostPort, ...(host.HostIp ? { hostIp: host.HostIp } : {}) });
    }
  }
  return result;
}

export function toObservation(inspect: ContainerInspect): ContainerObservation {
  const state = parseState(inspect.State.Status);
  const health = parseHealth(inspect.State.Health?.Status);
  const startedAt = parseEngineTime(inspect.State.StartedAt);
  const finishedAt = parseEngineTime(inspect.State.FinishedAt);
  // Published ports while it runs; the requested ones before it starts and after it stops.
  const bindings = parsePorts(inspect.NetworkSettings?.Ports);
  return {
    runtimeId: inspect.Id,
    name: inspect.Name.replace(/^\//, ''),
    image: inspect.Config.Image ?? '',
    labels: inspect.Config.Labels,
    state,
    // The engine reports exit code 0 for containers that never ran; only an exited one has a real code.
    ...(state === 'exited' && inspect.State.ExitCode !== undefined ? { exitCode: inspect.State.ExitCode } : {}),
    oomKilled: inspect.State.OOMKilled ?? false,
    ...(inspect.State.Error ? { error: inspect.State.Error } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(finishedAt !== undefined && state !== 'running' ? { finishedAt } : {}),
    ...(health ? { health } : {}),
    portBindings: bindings.length > 0 ? bindings : parsePorts(inspect.HostConfig?.PortBindings),
    ...(typeof inspect.Config.StopTimeout === 'number' ? { stopTimeoutSeconds: inspect.Config.StopTimeout } : {}),
    ...networkAddress(inspect),
  };
}

/**
 * The first network address the engine gives the container. A Berth
 * container sits on one network at most (its task's, the awsvpc network or
 * the default bridge), so the first is the only one.
 */
function networkAddress(inspect: ContainerInspect): Pick<ContainerObservation, 'address'> {
  for (const network of Object.values(inspect.NetworkSettings?.Networks ?? {})) {
    if (network.IPAddress) {
      return { address: { ipv4: network.IPAddress, ...(network.MacAddress ? { mac: network.MacAddress } : {}) } };
    }
  }
  return {};
}
