import type { ContainerConfig } from '#shared/ports/container-runtime.ts';
import type { ContainerSecurity } from '#shared/agent/container-security.ts';

const NANOS_PER_SECOND = 1_000_000_000;

/**
 * The body of POST /containers/create for a container config. Only fields
 * the engine API has had since 1.29 and Podman's compatible API serves.
 * Hardening is always spelled out (Privileged, SecurityOpt, PidsLimit), never
 * left to the engine's defaults.
 */
export function createContainerBody(config: ContainerConfig): Record<string, unknown> {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const binding of config.portBindings) {
    const key = `${binding.containerPort}/${binding.protocol}`;
    exposed[key] = {};
    if (binding.hostPort === undefined || config.networkMode !== 'bridge') continue;
    (bindings[key] ??= []).push({ HostIp: binding.hostIp ?? '', HostPort: String(binding.hostPort) });
  }
  const health = config.healthCheck;
  return {
    Image: config.image,
    ...(config.entryPoint ? { Entrypoint: [...config.entryPoint] } : {}),
    ...(config.command ? { Cmd: [...config.command] } : {}),
    Env: [...config.environment],
    ...(config.workingDirectory ? { WorkingDir: config.workingDirectory } : {}),
    ...(config.user ? { User: config.user } : {}),
    // Docker refuses a hostname in host network mode and in a joined namespace.
    ...(config.hostname && config.networkMode === 'bridge' && !config.joinsNetworkOf
      ? { Hostname: config.hostname }
      : {}),
    Labels: { ...config.labels },
    Tty: config.tty,
    OpenStdin: config.openStdin,
    ExposedPorts: exposed,
    StopTimeout: config.stopTimeoutSeconds,
    ...(health
      ? {
          Healthcheck: {
            Test: [...health.test],
            Interval: health.intervalSeconds * NANOS_PER_SECOND,
            Timeout: health.timeoutSeconds * NANOS_PER_SECOND,
            Retries: health.retries,
            StartPeriod: health.startPeriodSeconds * NANOS_PER_SECOND,
          },
        }
      : {}),
    // On the task's own network the engine's DNS answers for each container's ECS name and link aliases.
    ...(config.network
      ? { NetworkingConfig: { EndpointsConfig: { [config.network.name]: { Aliases: [...config.network.aliases] } } } }
      : {}),
    HostConfig: {
      NetworkMode: config.joinsNetworkOf
        ? `container:${config.joinsNetworkOf}`
        : (config.network?.name ?? config.networkMode),
      PortBindings: config.joinsNetworkOf ? {} : bindings,
      CpuShares: config.cpuShares,
      ...(config.cpuQuota !== undefined ? { CpuQuota: config.cpuQuota, CpuPeriod: config.cpuPeriod } : {}),
      ...(config.memoryBytes !== undefined ? { Memory: config.memoryBytes } : {}),
      ...hardening(config.security),
      ...(config.memoryReservationBytes !== undefined ? { MemoryReservation: config.memoryReservationBytes } : {}),
      Ulimits: config.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      ReadonlyRootfs: config.readonlyRootFilesystem,
      ...(config.init ? { Init: true } : {}),
      ...(config.capDrop.length > 0 ? { CapDrop: [...config.capDrop] } : {}),
      ...(config.shmSizeBytes !== undefined ? { ShmSize: config.shmSizeBytes } : {}),
      ...dnsOptions(config),
      ...containerOptions(config),
      ...(config.logConfig
        ? { LogConfig: { Type: config.logConfig.type, Config: { ...config.logConfig.options } } }
        : {}),
      // The agent restarts nothing behind the control plane's back.
      RestartPolicy: { Name: 'no' },
    },
  };
}

function hardening(security: ContainerSecurity): Record<string, unknown> {
  return {
    Privileged: security.privileged,
    ...(security.capAdd.length > 0 ? { CapAdd: [...security.capAdd] } : {}),
    // setuid binaries cannot raise a process above what it started with.
    SecurityOpt: [
      ...(security.noNewPrivileges ? ['no-new-privileges'] : []),
      // The engine's own form is key=value; ECS writes key:value.
      ...(security.securityOptions ?? []).map((o) => o.replace(/^(apparmor|label|seccomp):/, '$1=')),
    ],
    PidsLimit: security.pidsLimit,
    ...(security.pidMode ? { PidMode: security.pidMode } : {}),
    ...(security.ipcMode ? { IpcMode: security.ipcMode } : {}),
    // Mounts rather than Binds: a missing source is an error instead of a root-owned directory made on the host.
    ...(security.mounts.length > 0
      ? {
          Mounts: security.mounts.map((m) => ({
            Type: 'bind',
            Source: m.source,
            Target: m.target,
            ReadOnly: m.readOnly,
          })),
        }
      : {}),
  };
}

/** Docker refuses DNS and hosts settings on a container that joins another's namespace: it shares the holder's. */
function dnsOptions(config: ContainerConfig): Record<string, unknown> {
  if (config.joinsNetworkOf) return {};
  return {
    ...(config.dnsServers.length > 0 ? { Dns: [...config.dnsServers] } : {}),
    ...(config.dnsSearchDomains?.length ? { DnsSearch: [...config.dnsSearchDomains] } : {}),
    ...(config.extraHosts.length > 0 ? { ExtraHosts: [...config.extraHosts] } : {}),
  };
}

/** tmpfs, sysctls, volumes from other containers and GPUs, each only when asked for. */
function containerOptions(config: ContainerConfig): Record<string, unknown> {
  return {
    ...(config.tmpfs && Object.keys(config.tmpfs).length > 0 ? { Tmpfs: { ...config.tmpfs } } : {}),
    ...(config.sysctls && Object.keys(config.sysctls).length > 0 ? { Sysctls: { ...config.sysctls } } : {}),
    ...(config.volumesFrom?.length ? { VolumesFrom: [...config.volumesFrom] } : {}),
    ...(config.gpuCount
      ? { DeviceRequests: [{ Driver: 'nvidia', Count: config.gpuCount, Capabilities: [['gpu']] }] }
      : {}),
  };
}
