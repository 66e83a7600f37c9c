/**
 * The container runtime port: what the host agent needs from a container
 * engine, and nothing more. The Docker adapter (agent/docker/) implements it
 * over the Docker Engine API subset that Podman's compatible socket also
 * serves.
 *
 * Expected outcomes are values: an engine that is down, an image that cannot
 * be pulled or a name already taken come back as a `RuntimeFailure`, so the
 * agent can tell "try again later" (unavailable) from "this will never work"
 * (rejected).
 */

export type Protocol = 'tcp' | 'udp';

export interface PortBinding {
  readonly containerPort: number;
  readonly protocol: Protocol;
  /** Absent in a request means the container port is not published. */
  readonly hostPort?: number;
  readonly hostIp?: string;
}

export interface RuntimeHealthCheck {
  /** The engine's form: ['CMD', ...argv] or ['CMD-SHELL', 'command line']. */
  readonly test: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

export interface Ulimit {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

/** A container to create, in runtime-neutral terms. */
export interface ContainerConfig {
  readonly name: string;
  /** The hardening it is created with (see shared/agent/container-security.ts). */
  readonly security: ContainerSecurity;
  readonly image: string;
  readonly entryPoint?: readonly string[];
  readonly command?: readonly string[];
  /** `NAME=value` pairs. */
  readonly environment: readonly string[];
  readonly workingDirectory?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Relative weight; 1024 per core. */
  readonly cpuShares: number;
  /** Hard cpu cap: `cpuQuota` microseconds of cpu time per `cpuPeriod`. */
  readonly cpuQuota?: number;
  readonly cpuPeriod?: number;
  readonly memoryBytes?: number;
  readonly memoryReservationBytes?: number;
  readonly networkMode: 'bridge' | 'host' | 'none';
  /** In bridge mode, the task's own network and the names this container answers to on it. */
  readonly network?: { readonly name: string; readonly aliases: readonly string[] };
  /** Joins this container's network namespace (an awsvpc task's holder, by runtime name) instead of a network. */
  readonly joinsNetworkOf?: string;
  readonly portBindings: readonly PortBinding[];
  readonly healthCheck?: RuntimeHealthCheck;
  readonly stopTimeoutSeconds: number;
  readonly ulimits: readonly Ulimit[];
  readonly readonlyRootFilesystem: boolean;
  readonly init: boolean;
  readonly capDrop: readonly string[];
  readonly shmSizeBytes?: number;
  /** Allocate a terminal and keep stdin open (ECS pseudoTerminal, interactive). */
  readonly tty: boolean;
  readonly openStdin: boolean;
  readonly dnsServers: readonly string[];
  readonly dnsSearchDomains?: readonly string[];
  /** `hostname:ip` pairs. */
  readonly extraHosts: readonly string[];
  /** tmpfs mounts: container path to the engine's option string (`size=64m,noexec`). */
  readonly tmpfs?: Readonly<Record<string, string>>;
  /** Namespaced kernel parameters, already within the policy. */
  readonly sysctls?: Readonly<Record<string, string>>;
  /** Runtime names of containers whose volumes it mounts, each `name` or `name:ro`. */
  readonly volumesFrom?: readonly string[];
  /** GPUs it asks the engine for (the NVIDIA driver). */
  readonly gpuCount?: number;
  /** The engine's log driver and its options; the engine's default when absent. */
  readonly logConfig?: { readonly type: string; readonly options: Readonly<Record<string, string>> };
}

/** One line of a container's output, with the engine's time for it. */
export interface LogLine {
  readonly timestamp: number;
  readonly message: string;
  readonly stream: 'stdout' | 'stderr';
}

export interface LogFollow {
  /** Resolves when the output ends: the container stopped, the engine went away, or close(). */
  readonly done: Promise<void>;
  close(): void;
}

/** A bridge network the agent makes for its tasks. */
export interface NetworkSpec {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** An IPv4 CIDR the network's addresses come from; the engine's address pools otherwise. */
  readonly subnet?: string;
}

export interface NetworkObservation {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type RuntimeHealth = 'starting' | 'healthy' | 'unhealthy';

/** What the engine says about one container. */
export interface ContainerObservation {
  readonly runtimeId: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `other` covers paused, restarting, removing and dead. */
  readonly state: 'created' | 'running' | 'exited' | 'other';
  readonly exitCode?: number;
  readonly oomKilled: boolean;
  /** Why the engine could not run it, when it says. */
  readonly error?: string;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly health?: RuntimeHealth;
  readonly portBindings: readonly PortBinding[];
  /** The stop timeout it was created with, if it has its own. */
  readonly stopTimeoutSeconds?: number;
  /** Its IPv4 address on the network it is attached to, while it runs (the engine gives none before or after). */
  readonly address?: { readonly ipv4: string; readonly mac?: string };
}

export interface RuntimeInfo {
  readonly engineVersion: string;
  readonly apiVersion: string;
  readonly osType: string;
  readonly architecture: string;
  readonly cpus: number;
  readonly memoryBytes: number;
}

export interface RegistryAuth {
  readonly username: string;
  readonly password: string;
  readonly serverAddress?: string;
}

export type RuntimeEventKind = 'create' | 'start' | 'die' | 'health' | 'destroy' | 'oom';

export interface RuntimeEvent {
  readonly kind: RuntimeEventKind;
  readonly runtimeId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly health?: RuntimeHealth;
  readonly exitCode?: number;
  /** Epoch milliseconds. */
  readonly at: number;
}

export interface RuntimeFailure {
  /**
   * unavailable: the engine did not answer; try again when it is back.
   * rejected: the engine answered no (bad image, port taken, ...).
   * conflict: the name is taken.
   */
  readonly kind: 'unavailable' | 'rejected' | 'conflict';
  readonly message: string;
}

export type RuntimeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: RuntimeFailure };

export interface EventWatch {
  close(): void;
}

export interface EventHandlers {
  /** The stream is connected: events from here on will be seen. */
  onOpen(): void;
  onEvent(event: RuntimeEvent): void;
  /** The stream ended or could not be opened; the watch is over. */
  onClose(reason: string): void;
}

/**
 * One reading of a container's counters. Cpu counters are cumulative
 * nanoseconds: a rate needs two readings (the container's and the host's
 * deltas between them).
 */
export interface ContainerStats {
  readonly cpuTotalNs: number;
  readonly systemCpuNs: number;
  readonly onlineCpus: number;
  /** Usage less the page cache (inactive file pages), as `docker stats` shows it. */
  readonly memoryUsedBytes: number;
  readonly networkRxBytes: number;
  readonly networkTxBytes: number;
}

export interface ContainerRuntime {
  /** Where the engine is, for logs. */
  readonly address: string;
  info(): Promise<RuntimeResult<RuntimeInfo>>;
  /** Answers within a deadline or fails `unavailable`: whether the engine is responsive at all. */
  ping(): Promise<RuntimeResult<void>>;
  /** The image's digest if it is present locally (`''` when it has none), or undefined. */
  inspectImage(image: string): Promise<RuntimeResult<{ digest?: string } | undefined>>;
  pullImage(image: string, auth?: RegistryAuth): Promise<RuntimeResult<void>>;
  createContainer(config: ContainerConfig): Promise<RuntimeResult<{ runtimeId: string }>>;
  startContainer(runtimeId: string): Promise<RuntimeResult<void>>;
  /** Sends the stop signal, then kills after `timeoutSeconds`; resolves once stopped. */
  stopContainer(runtimeId: string, timeoutSeconds: number): Promise<RuntimeResult<void>>;
  removeContainer(runtimeId: string): Promise<RuntimeResult<void>>;
  /** Undefined when no such container exists. */
  inspectContainer(idOrName: string): Promise<RuntimeResult<ContainerObservation | undefined>>;
  /** Every container, running or not, carrying all of these labels. */
  listContainers(labels: Readonly<Record<string, string>>): Promise<RuntimeResult<ContainerObservation[]>>;
  /** Creates the network unless one of that name exists: a retried or concurrent call is not an error. */
  ensureNetwork(network: NetworkSpec): Promise<RuntimeResult<void>>;
  /** Removes the network; one already gone is not an error. */
  removeNetwork(name: string): Promise<RuntimeResult<void>>;
  /** Every network carrying all of these labels. */
  listNetworks(labels: Readonly<Record<string, string>>): Promise<RuntimeResult<NetworkObservation[]>>;
  /** One reading of a running container's counters; undefined when it is gone or not running. Optional: runtimes without stats give no metrics. */
  containerStats?(runtimeId: string): Promise<RuntimeResult<ContainerStats | undefined>>;
  /**
   * Follows a container's output from `sinceMs` (ms since the epoch) until it
   * stops or the follow is closed. Optional: runtimes without it ship no logs.
   */
  followLogs?(runtimeId: string, sinceMs: number, onLine: (line: LogLine) => void): Promise<LogFollow>;
  /** Container events for containers carrying all of these labels. */
  watchEvents(labels: Readonly<Record<string, string>>, handlers: EventHandlers): EventWatch;
  /** Every call in flight fails at once as `unavailable`: the engine was found stuck, none will be answered. */
  abandonCalls(reason: string): void;
  /** Lets go of the engine's connections; the agent calls it once, as it stops. */
  close(): void;
}

/**
 * The hardening every container is created with, in runtime-neutral terms.
 * What the task asked for arrives here only after the cluster's policy
 * allowed it (see host-policy.ts); the rest are the defaults a container
 * always gets: no new privileges through setuid binaries, a pids limit,
 * no added capabilities, its own PID namespace.
 */
export interface ContainerSecurity {
  readonly privileged: boolean;
  /** Capabilities added to the engine's default set, normalised (`NET_ADMIN`). */
  readonly capAdd: readonly string[];
  /** Always true: a process in the container cannot gain privileges it was not started with. */
  readonly noNewPrivileges: true;
  readonly pidsLimit: number;
  /**
   * `host` shares the host's PID namespace; `container:NAME` that of another
   * container of its task; absent, the container has its own.
   */
  readonly pidMode?: string;
  /** `host`, `none`, `shareable` (the task's namespace holder) or `container:NAME`; absent, the engine's default. */
  readonly ipcMode?: string;
  /** Security options from the task definition, within the policy, besides no-new-privileges. */
  readonly securityOptions?: readonly string[];
  /** Host paths bound into the container, each already within the policy's allow-list. */
  readonly mounts: readonly BindMount[];
}

export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}
