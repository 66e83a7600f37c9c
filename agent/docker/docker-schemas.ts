import { boolean, int, number, safeParse, string, type Checked } from '../check/check.ts';
import { array, map, nullable, nullish, object, optional, record } from '../check/compose.ts';

/**
 * The parts of the engine's answers the agent reads, validated at the edge.
 * Unknown fields are dropped; fields Podman leaves out are optional.
 */

export const versionResponse = object({
  Version: string(),
  ApiVersion: string(),
  MinAPIVersion: optional(string()),
  Os: optional(string()),
  Arch: optional(string()),
});

export const infoResponse = object({
  NCPU: int({ above: 0 }),
  MemTotal: int({ above: 0 }),
  OSType: optional(string()),
  Architecture: optional(string()),
});

const labels = map(nullish(record(string())), (value) => value ?? {});

const hostBinding = object({ HostIp: optional(string()), HostPort: optional(string()) });
const portMap = nullish(record(nullable(array(hostBinding))));

export const containerInspect = object({
  Id: string(),
  Name: string(),
  Config: object({ Image: optional(string()), Labels: labels, StopTimeout: nullish(int()) }),
  State: object({
    Status: string(),
    ExitCode: optional(int()),
    Error: optional(string()),
    OOMKilled: optional(boolean()),
    StartedAt: optional(string()),
    FinishedAt: optional(string()),
    Health: nullish(object({ Status: string() })),
  }),
  HostConfig: nullish(object({ PortBindings: portMap })),
  NetworkSettings: nullish(
    object({
      Ports: portMap,
      Networks: optional(
        nullish(record(object({ IPAddress: optional(nullish(string())), MacAddress: optional(nullish(string())) }))),
      ),
    }),
  ),
});
export type ContainerInspect = Checked<typeof containerInspect>;

export const containerSummary = object({ Id: string() });
export const containerList = array(containerSummary);

export const imageInspect = object({
  Id: string(),
  RepoDigests: nullish(array(string())),
});

export const engineEvent = object({
  Type: optional(string()),
  Action: string(),
  Actor: object({ ID: string(), Attributes: nullish(record(string())) }),
  time: optional(number()),
  timeNano: optional(number()),
});
export type EngineEvent = Checked<typeof engineEvent>;

/** A pull progress line; an `error` means the pull failed even though the status was 200. */
export const pullProgress = object({
  error: optional(string()),
  errorDetail: optional(object({ message: optional(string()) })),
});

export const errorBody = object({ message: string() });

/** The engine's error message from a non-2xx body, or the body itself. */
export function engineMessage(body: string): string {
  try {
    const parsed = safeParse(errorBody, JSON.parse(body));
    if (parsed.success) return parsed.data.message;
  } catch {
    // Not JSON: the body is the message.
  }
  return body.trim();
}

/** GET /networks: the fields the agent reads. */
export const networkList = array(object({ Name: string(), Labels: nullish(record(string())) }));
/**
 * The parts of GET /containers/{id}/stats the agent reads. Memory stats hold
 * `cache` on cgroup v1 (with `total_inactive_file`) and `inactive_file` on
 * v2; a stopped container answers with most fields missing.
 */
export const containerStatsResponse = object({
  read: optional(string()),
  cpu_stats: optional(
    object({
      cpu_usage: optional(object({ total_usage: optional(number()) })),
      system_cpu_usage: optional(number()),
      online_cpus: optional(number()),
    }),
  ),
  memory_stats: optional(
    object({
      usage: optional(number()),
      stats: optional(nullish(record(number()))),
    }),
  ),
  networks: optional(nullish(record(object({ rx_bytes: optional(number()), tx_bytes: optional(number()) })))),
});
export type ContainerStatsResponse = Checked<typeof containerStatsResponse>;

/** The engine's body as JSON, or undefined when it is not JSON (an error page, a truncated stream line). */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
