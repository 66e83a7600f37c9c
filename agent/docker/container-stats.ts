import type { ContainerStats } from '#shared/ports/container-runtime.ts';
import type { ContainerStatsResponse } from './docker-schemas.ts';

/**
 * The engine's stats answer as the counters the agent keeps. Memory in use is
 * usage less the inactive file pages (cgroup v2 `inactive_file`, v1
 * `total_inactive_file`), else less `cache`: what `docker stats` and the ECS
 * agent report. Undefined when the container is not running (no cpu counters).
 */
export function toContainerStats(answer: ContainerStatsResponse): ContainerStats | undefined {
  const cpuTotalNs = answer.cpu_stats?.cpu_usage?.total_usage;
  const systemCpuNs = answer.cpu_stats?.system_cpu_usage;
  if (cpuTotalNs === undefined || systemCpuNs === undefined) return undefined;
  const memory = answer.memory_stats;
  const stats = memory?.stats ?? {};
  const cache = stats.inactive_file ?? stats.total_inactive_file ?? stats.cache ?? 0;
  const networks = Object.values(answer.networks ?? {});
  return {
    cpuTotalNs,
    systemCpuNs,
    onlineCpus: answer.cpu_stats?.online_cpus ?? 1,
    memoryUsedBytes: Math.max(0, (memory?.usage ?? 0) - cache),
    networkRxBytes: networks.reduce((sum, n) => sum + (n.rx_bytes ?? 0), 0),
    networkTxBytes: networks.reduce((sum, n) => sum + (n.tx_bytes ?? 0), 0),
  };
}
