import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DYNAMIC_PORT_RANGE, parsePortRange, type PortRange } from '#shared/agent/port-picker.ts';
import type { AwslogsShipping } from '#shared/agent/log-driver.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ContainerRuntime, RegistryAuth } from '#shared/ports/container-runtime.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../control/backoff.ts';
import { DEFAULT_IMDS_ENDPOINT } from '../host/imds.ts';
import type { AgentLogger } from '../log.ts';
import type { SecretResolver } from '../secrets/secret-resolver.ts';

/** What `startAgent` takes; everything but endpoint and cluster has a default. */
export interface AgentOptions {
  /** The control plane's base URL, e.g. http://127.0.0.1:4566. */
  readonly endpoint: string;
  readonly cluster: string;
  /** Registers the instance once (`berth agents token`); the instance credential it brings is kept in the state directory. */
  readonly registrationToken?: string;
  /** PEM certificates trusted for an https:// endpoint instead of Node's bundled CAs (a private CA). */
  readonly tlsCa?: string;
  /**
   * The task metadata endpoint (docs/agent.md): on by default, listening on
   * the engine's bridge gateway unless `address` says where; `false` turns it off.
   */
  readonly taskMetadata?: false | { readonly address?: string };
  /** Let task containers reach the instance metadata service; blocked by default (docs/security.md). */
  readonly allowTaskImds?: boolean;
  /**
   * Where identity and task records live. `berth-agent` defaults to
   * /var/lib/berth-agent; in-process callers that pass none get a fresh
   * temporary directory, i.e. a new instance each time.
   */
  readonly stateDir?: string;
  /** Default: `DOCKER_HOST`, else unix:///var/run/docker.sock. */
  readonly dockerHost?: string;
  /**
   * The container engine the agent drives; default: Docker at `dockerHost`
   * (agent/docker/default-runtime.ts). The agent closes it when it stops.
   */
  readonly runtime?: ContainerRuntime;
  /** MiB of host memory not offered to tasks. Default 0, as ECS. */
  readonly reservedMemoryMiB?: number;
  /** TCP ports reserved in addition to 22, 2375, 2376, 51678-51680. */
  readonly reservedPorts?: readonly number[];
  readonly reservedPortsUdp?: readonly number[];
  /** Where dynamic host ports come from; default 49153-65535. */
  readonly dynamicPortRange?: PortRange | string;
  /** Overrides the control plane's pollIntervalSeconds (tests, experiments). */
  readonly pollIntervalSeconds?: number;
  /** How long a stopped task's containers stay on the host; default 3600 s. */
  readonly cleanupDelaySeconds?: number;
  /** Stop signal to kill, for containers without stopTimeout; default 30 s. */
  readonly defaultStopTimeoutSeconds?: number;
  /** EC2 metadata; `false` skips it (off EC2 it fails fast anyway). */
  readonly imds?: false | { readonly endpoint?: string; readonly timeoutMs?: number };
  /** Custom instance attributes. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** The address other hosts reach this one at, off EC2; default: the default route's interface address. */
  readonly hostAddress?: string;
  /** The IPv4 subnet of the host's awsvpc network (docs/networking.md); default 10.213.0.0/16. */
  readonly awsvpcSubnet?: string;
  /** Registry credentials by the name task definitions give in repositoryCredentials. */
  readonly registryCredentials?: Readonly<Record<string, RegistryAuth>>;
  /** Replaces the table above with another source of credentials. */
  readonly secrets?: SecretResolver;
  /**
   * Who writes awslogs containers' output: `agent` (the default) follows
   * each container's bounded local log and ships it to the control plane
   * (dev mode's log store); `engine` hands awslogs to the engine's own
   * driver, which writes to CloudWatch Logs with the host's credentials;
   * `cloudwatch` follows the local log as `agent` does and writes it to
   * CloudWatch Logs itself (PutLogEvents, the host's credentials).
   */
  readonly awslogs?: AwslogsShipping;
  readonly logger?: AgentLogger;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly backoff?: BackoffPolicy;
  /**
   * Deadlines on the container engine: `callMs` for one call (and for a
   * stream to start answering), default 30 s; `livenessIntervalMs` between
   * pings while the engine is thought up, default 10 s.
   */
  readonly engineTimeouts?: { readonly callMs?: number; readonly livenessIntervalMs?: number };
  /**
   * Between looks at containers of other instances of this cluster on the
   * host (a lost state directory's), while an agent may still answer for
   * them; default 60 s.
   */
  readonly foreignContainerCheckSeconds?: number;
  /** Between samples of running tasks' cpu and memory, carried on the next poll; 0 turns them off. Default 20 s. */
  readonly metricsIntervalSeconds?: number;
  /**
   * The DNS view (docs/networking.md): off unless given. The agent answers
   * the cluster's `.berth` names on `address`:`port` (default 53) and
   * forwards the rest to the host's resolvers; on port 53 it is also the
   * resolver of bridge-mode task containers.
   */
  readonly dns?: { readonly address: string; readonly port?: number };
}

export interface AgentSettings {
  readonly stateDir: string;
  readonly dockerHost: string | undefined;
  readonly reservedMemoryMiB: number;
  readonly reservedPorts: readonly number[];
  readonly reservedPortsUdp: readonly number[];
  readonly dynamicPortRange: PortRange;
  readonly pollIntervalSeconds: number | undefined;
  readonly cleanupDelayMs: number;
  readonly defaultStopTimeoutSeconds: number;
  readonly imds: { readonly endpoint: string; readonly timeoutMs: number } | undefined;
  readonly backoff: BackoffPolicy;
  readonly engineCallTimeoutMs: number;
  readonly engineLivenessIntervalMs: number;
  readonly foreignContainerCheckMs: number;
  readonly metricsIntervalMs: number;
}

export const DEFAULT_CLEANUP_DELAY_SECONDS = 3600;
export const DEFAULT_METRICS_INTERVAL_SECONDS = 20;
export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
export const DEFAULT_ENGINE_CALL_TIMEOUT_MS = 30_000;
export const DEFAULT_ENGINE_LIVENESS_INTERVAL_MS = 10_000;
/** Used only until the control plane's pollIntervalSeconds is known. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;

export function resolveSettings(options: AgentOptions): AgentSettings {
  const range = options.dynamicPortRange ?? DEFAULT_DYNAMIC_PORT_RANGE;
  return {
    stateDir: options.stateDir ?? mkdtempSync(join(tmpdir(), 'berth-agent-')),
    dockerHost: options.dockerHost ?? process.env.DOCKER_HOST,
    reservedMemoryMiB: options.reservedMemoryMiB ?? 0,
    reservedPorts: options.reservedPorts ?? [],
    reservedPortsUdp: options.reservedPortsUdp ?? [],
    dynamicPortRange: typeof range === 'string' ? parsePortRange(range) : range,
    pollIntervalSeconds: options.pollIntervalSeconds,
    cleanupDelayMs: (options.cleanupDelaySeconds ?? DEFAULT_CLEANUP_DELAY_SECONDS) * 1000,
    defaultStopTimeoutSeconds: options.defaultStopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS,
    imds:
      options.imds === false
        ? undefined
        : { endpoint: options.imds?.endpoint ?? DEFAULT_IMDS_ENDPOINT, timeoutMs: options.imds?.timeoutMs ?? 1_000 },
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    engineCallTimeoutMs: options.engineTimeouts?.callMs ?? DEFAULT_ENGINE_CALL_TIMEOUT_MS,
    engineLivenessIntervalMs: options.engineTimeouts?.livenessIntervalMs ?? DEFAULT_ENGINE_LIVENESS_INTERVAL_MS,
    foreignContainerCheckMs: (options.foreignContainerCheckSeconds ?? 60) * 1000,
    metricsIntervalMs: (options.metricsIntervalSeconds ?? DEFAULT_METRICS_INTERVAL_SECONDS) * 1000,
  };
}
