import type {
  ContainerConfig,
  ContainerObservation,
  ContainerRuntime,
  EventHandlers,
  EventWatch,
  NetworkObservation,
  NetworkSpec,
  RuntimeEventKind,
  RuntimeFailure,
  RuntimeInfo,
  RuntimeResult,
} from '#shared/ports/container-runtime.ts';

/** The calls a test can make fail, once each, in the order they were queued. */
export type FailableCall = 'pullImage' | 'createContainer' | 'startContainer' | 'stopContainer' | 'removeContainer';

interface FakeContainer {
  observation: ContainerObservation;
}

const INFO: RuntimeInfo = {
  engineVersion: 'fake',
  apiVersion: '1.43',
  osType: 'linux',
  architecture: 'x86_64',
  cpus: 2,
  memoryBytes: 4 * 1024 ** 3,
};

/**
 * A fake container engine held in memory, for tests of agent/engine without
 * Docker. It keeps images and containers as a real engine would (a name is
 * taken once, a stop leaves the container exited, labels select), emits
 * events to watchers, records every call in `calls`, and fails a call on
 * demand (`failNext`). Its clock is the test's: times are what `now` says.
 */
export class FakeContainerRuntime implements ContainerRuntime {
  readonly address = 'fake://in-memory';
  /** `pullImage busybox`, `createContainer berth-t1-app`, `stopContainer c1`: what was asked, in order. */
  readonly calls: string[] = [];
  private readonly images = new Set<string>();
  private readonly containers = new Map<string, FakeContainer>();
  private readonly failures = new Map<FailableCall, RuntimeFailure[]>();
  private readonly watchers = new Set<{ labels: Readonly<Record<string, string>>; handlers: EventHandlers }>();
  private nextId = 1;
  /** The networks made for tasks, by name; kept apart from `calls` so call sequences stay about containers. */
  readonly networks = new Map<string, NetworkObservation>();
  closed = false;

  private readonly now: () => number;

  constructor(now: () => number = () => Date.now()) {
    this.now = now;
  }

  /** The next call of this kind fails with `failure`. */
  failNext(call: FailableCall, failure: RuntimeFailure): void {
    this.failures.set(call, [...(this.failures.get(call) ?? []), failure]);
  }

  /** A container already on the host (an earlier agent's), running unless said otherwise. */
  seed(config: {
    name: string;
    image: string;
    labels: Record<string, string>;
    state?: 'running' | 'exited';
    exitCode?: number;
  }): string {
    const state = config.state ?? 'running';
    return this.add(config, {
      state,
      startedAt: this.now(),
      ...(state === 'exited' && { exitCode: config.exitCode ?? 0, finishedAt: this.now() }),
    });
  }

  /** The container as the engine would describe it now. */
  container(runtimeId: string): ContainerObservation | undefined {
    return this.containers.get(runtimeId)?.observation;
  }

  list(): ContainerObservation[] {
    return [...this.containers.values()].map((c) => c.observation);
  }

  async info(): Promise<RuntimeResult<RuntimeInfo>> {
    return { ok: true, value: INFO };
  }

  async ping(): Promise<RuntimeResult<void>> {
    return { ok: true, value: undefined };
  }

  async inspectImage(image: string): Promise<RuntimeResult<{ digest?: string } | undefined>> {
    return { ok: true, value: this.images.has(image) ? { digest: `sha256:${image.length}` } : undefined };
  }

  async pullImage(image: string): Promise<RuntimeResult<void>> {
    this.calls.push(`pullImage ${image}`);
    const failure = this.failure('pullImage');
    if (failure) return failure;
    this.images.add(image);
    return { ok: true, value: undefined };
  }

  async createContainer(config: ContainerConfig): Promise<RuntimeResult<{ runtimeId: string }>> {
    this.calls.push(`createContainer ${config.name}`);
    const failure = this.failure('createContainer');
    if (failure) return failure;
    if (this.list().some((c) => c.name === config.name))
      return { ok: false, failure: { kind: 'conflict', message: `the name ${config.name} is in use` } };
    const runtimeId = this.add(config, {
      state: 'created',
      portBindings: config.portBindings,
      stopTimeoutSeconds: config.stopTimeoutSeconds,
    });
    this.emit('create', runtimeId);
    return { ok: true, value: { runtimeId } };
  }

  async startContainer(runtimeId: string): Promise<RuntimeResult<void>> {
    this.calls.push(`startContainer ${runtimeId}`);
    return this.change('startContainer', runtimeId, { state: 'running', startedAt: this.now() }, 'start');
  }

  async stopContainer(runtimeId: string): Promise<RuntimeResult<void>> {
    this.calls.push(`stopContainer ${runtimeId}`);
    const running = this.containers.get(runtimeId)?.observation.state === 'running';
    // A stop of a container that is not running changes nothing, as with Docker.
    if (!running) return this.failure('stopContainer') ?? { ok: true, value: undefined };
    return this.change('stopContainer', runtimeId, { state: 'exited', exitCode: 143, finishedAt: this.now() }, 'die');
  }

  async removeContainer(runtimeId: string): Promise<RuntimeResult<void>> {
    this.calls.push(`removeContainer ${runtimeId}`);
    const failure = this.failure('removeContainer');
    if (failure) return failure;
    const existed = this.containers.get(runtimeId);
    this.containers.delete(runtimeId);
    if (existed) this.emitFor('destroy', existed.observation);
    return { ok: true, value: undefined };
  }

  /** The container exits by itself, as a process that ends does. */
  exit(runtimeId: string, exitCode: number): void {
    const found = this.containers.get(runtimeId);
    if (!found) throw new Error(`no container ${runtimeId}`);
    found.observation = { ...found.observation, state: 'exited', exitCode, finishedAt: this.now() };
    this.emitFor('die', found.observation);
  }

  async inspectContainer(idOrName: string): Promise<RuntimeResult<ContainerObservation | undefined>> {
    const found = this.containers.get(idOrName)?.observation ?? this.list().find((c) => c.name === idOrName);
    return { ok: true, value: found };
  }

  async listContainers(labels: Readonly<Record<string, string>>): Promise<RuntimeResult<ContainerObservation[]>> {
    return { ok: true, value: this.list().filter((c) => carries(c.labels, labels)) };
  }

  async ensureNetwork(network: NetworkSpec): Promise<RuntimeResult<void>> {
    if (!this.networks.has(network.name))
      this.networks.set(network.name, { name: network.name, labels: network.labels });
    return { ok: true, value: undefined };
  }

  async removeNetwork(name: string): Promise<RuntimeResult<void>> {
    this.networks.delete(name);
    return { ok: true, value: undefined };
  }

  async listNetworks(labels: Readonly<Record<string, string>>): Promise<RuntimeResult<NetworkObservation[]>> {
    return { ok: true, value: [...this.networks.values()].filter((n) => carries(n.labels, labels)) };
  }

  watchEvents(labels: Readonly<Record<string, string>>, handlers: EventHandlers): EventWatch {
    const watcher = { labels, handlers };
    this.watchers.add(watcher);
    queueMicrotask(() => handlers.onOpen());
    return {
      close: () => {
        if (this.watchers.delete(watcher)) handlers.onClose('closed');
      },
    };
  }

  abandonCalls(): void {}

  close(): void {
    this.closed = true;
  }

  private change(
    call: FailableCall,
    runtimeId: string,
    fields: Partial<ContainerObservation>,
    event: RuntimeEventKind,
  ): RuntimeResult<void> {
    const failure = this.failure(call);
    if (failure) return failure;
    const found = this.containers.get(runtimeId);
    if (!found) return { ok: false, failure: { kind: 'rejected', message: `no such container: ${runtimeId}` } };
    found.observation = { ...found.observation, ...fields };
    this.emitFor(event, found.observation);
    return { ok: true, value: undefined };
  }

  private failure(call: FailableCall): { ok: false; failure: RuntimeFailure } | undefined {
    const failure = this.failures.get(call)?.shift();
    return failure ? { ok: false, failure } : undefined;
  }

  private emit(kind: RuntimeEventKind, runtimeId: string): void {
    const found = this.containers.get(runtimeId);
    if (found) this.emitFor(kind, found.observation);
  }

  private emitFor(kind: RuntimeEventKind, c: ContainerObservation): void {
    for (const { labels, handlers } of this.watchers) {
      if (!carries(c.labels, labels)) continue;
      handlers.onEvent({
        kind,
        runtimeId: c.runtimeId,
        labels: c.labels,
        at: this.now(),
        ...(kind === 'die' && c.exitCode !== undefined && { exitCode: c.exitCode }),
      });
    }
  }

  private add(
    what: { name: string; image: string; labels: Readonly<Record<string, string>> },
    fields: Partial<ContainerObservation> & Pick<ContainerObservation, 'state'>,
  ): string {
    const runtimeId = this.newId();
    const { name, image, labels } = what;
    this.containers.set(runtimeId, {
      observation: { runtimeId, name, image, labels, oomKilled: false, portBindings: [], ...fields },
    });
    return runtimeId;
  }

  private newId(): string {
    return `fake${String(this.nextId++).padStart(4, '0')}`;
  }
}

function carries(labels: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): boolean {
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}
