import type {
  ContainerConfig,
  ContainerStats,
  ContainerObservation,
  ContainerRuntime,
  EventHandlers,
  EventWatch,
  LogFollow,
  LogLine,
  NetworkObservation,
  NetworkSpec,
  RegistryAuth,
  RuntimeInfo,
  RuntimeResult,
} from '#shared/ports/container-runtime.ts';
import { safeParse } from '../check/check.ts';
import { negotiateApiVersion } from './api-version.ts';
import { createContainerBody } from './create-body.ts';
import { parseDockerHost } from './docker-host.ts';
import {
  containerInspect,
  containerList,
  containerStatsResponse,
  containerSummary,
  engineMessage,
  imageInspect,
  infoResponse,
  pullProgress,
  safeJson,
  versionResponse,
} from './docker-schemas.ts';
import { watchEngineEvents } from './event-watch.ts';
import { HttpTransport, type TransportResponse, type TransportResult } from './http-transport.ts';
import { registryAuthHeader, splitImageReference } from './image-ref.ts';
import { DEFAULT_ENGINE_CALL_TIMEOUT_MS } from '../config/agent-options.ts';
import { toObservation } from './observation.ts';
import { ensureNetwork, listNetworks, removeNetwork } from './networks.ts';
import { toContainerStats } from './container-stats.ts';

export interface DockerRuntimeOptions {
  /** `DOCKER_HOST`-style address; default unix:///var/run/docker.sock. */
  readonly dockerHost?: string;
  /** How long one image pull may take; default 15 minutes. */
  readonly pullTimeoutMs?: number;
  /**
   * How long the engine may take to answer one call (a stop: its grace
   * period plus this), and to start answering a stream; default 30 s. An
   * engine that accepts connections and never answers is then found out
   * instead of holding the agent for good.
   */
  readonly callTimeoutMs?: number;
}

const unavailable = (message: string) => ({ ok: false as const, failure: { kind: 'unavailable' as const, message } });
const rejected = (message: string) => ({ ok: false as const, failure: { kind: 'rejected' as const, message } });
const done = <T>(value: T) => ({ ok: true as const, value });

/** The container runtime over the Docker Engine API, written against node:http. */
export class DockerRuntime implements ContainerRuntime {
  readonly address: string;
  private readonly transport: HttpTransport;
  private readonly pullTimeoutMs: number;
  private readonly callTimeoutMs: number;
  private readonly ensuring = new Map<string, Promise<RuntimeResult<void>>>();
  private base: Promise<RuntimeResult<{ prefix: string; engineVersion: string; apiVersion: string }>> | undefined;

  constructor(options: DockerRuntimeOptions = {}) {
    const endpoint = parseDockerHost(options.dockerHost);
    this.address = endpoint.address;
    this.transport = new HttpTransport(endpoint);
    this.pullTimeoutMs = options.pullTimeoutMs ?? 15 * 60_000;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_ENGINE_CALL_TIMEOUT_MS;
  }

  /** Negotiates the API version once; a failed attempt is retried on the next call. */
  private negotiated() {
    this.base ??= this.negotiate().then((result) => {
      if (!result.ok) this.base = undefined;
      return result;
    });
    return this.base;
  }

  private async negotiate(): Promise<RuntimeResult<{ prefix: string; engineVersion: string; apiVersion: string }>> {
    const answer = await this.transport.request('GET', '/version', { timeoutMs: Math.min(5_000, this.callTimeoutMs) });
    if (!answer.ok) return unavailable(`no Docker engine at ${this.address}: ${answer.message}`);
    if (answer.value.status !== 200)
      return rejected(`GET /version answered ${answer.value.status}: ${engineMessage(answer.value.body)}`);
    const version = safeParse(versionResponse, safeJson(answer.value.body));
    if (!version.success) return rejected(`GET /version answered an unexpected body: ${version.error.message}`);
    const negotiated = negotiateApiVersion(version.data.ApiVersion);
    if (!negotiated.ok) return rejected(negotiated.message);
    return done({
      prefix: `/v${negotiated.version}`,
      engineVersion: version.data.Version,
      apiVersion: negotiated.version,
    });
  }

  private async call(
    method: string,
    path: string,
    options: { body?: unknown; timeoutMs?: number } = {},
  ): Promise<RuntimeResult<TransportResponse>> {
    const base = await this.negotiated();
    if (!base.ok) return base;
    const answer: TransportResult<TransportResponse> = await this.transport.request(
      method,
      `${base.value.prefix}${path}`,
      { ...options, timeoutMs: options.timeoutMs ?? this.callTimeoutMs },
    );
    if (!answer.ok)
      return unavailable(`Docker engine at ${this.address} did not answer ${method} ${path}: ${answer.message}`);
    return done(answer.value);
  }

  /** Whether the engine answers at all, within the call deadline: the agent's liveness probe. */
  async ping(): Promise<RuntimeResult<void>> {
    const answer = await this.transport.request('GET', '/_ping', { timeoutMs: this.callTimeoutMs });
    if (!answer.ok) return unavailable(`Docker engine at ${this.address} did not answer GET /_ping: ${answer.message}`);
    return answer.value.status === 200 ? done(undefined) : rejected(`GET /_ping answered ${answer.value.status}`);
  }

  async info(): Promise<RuntimeResult<RuntimeInfo>> {
    const base = await this.negotiated();
    if (!base.ok) return base;
    const answer = await this.call('GET', '/info');
    if (!answer.ok) return answer;
    const info = safeParse(infoResponse, safeJson(answer.value.body));
    if (answer.value.status !== 200 || !info.success)
      return rejected(`GET /info answered ${answer.value.status}: ${engineMessage(answer.value.body)}`);
    return done({
      engineVersion: base.value.engineVersion,
      apiVersion: base.value.apiVersion,
      osType: info.data.OSType ?? 'linux',
      architecture: info.data.Architecture ?? '',
      cpus: info.data.NCPU,
      memoryBytes: info.data.MemTotal,
    });
  }

  async inspectImage(image: string): Promise<RuntimeResult<{ digest?: string } | undefined>> {
    const answer = await this.call('GET', `/images/${encodeURIComponent(image)}/json`);
    if (!answer.ok) return answer;
    if (answer.value.status === 404) return done(undefined);
    const parsed = safeParse(imageInspect, safeJson(answer.value.body));
    if (answer.value.status !== 200 || !parsed.success)
      return rejected(`cannot inspect image ${image}: ${engineMessage(answer.value.body)}`);
    const digest = parsed.data.RepoDigests?.[0]?.split('@')[1];
    return done(digest ? { digest } : {});
  }

  async pullImage(image: string, auth?: RegistryAuth): Promise<RuntimeResult<void>> {
    const base = await this.negotiated();
    if (!base.ok) return base;
    const { fromImage, tag } = splitImageReference(image);
    const query = new URLSearchParams({ fromImage, tag });
    let failure: string | undefined;
    const stream = this.transport.stream('POST', `${base.value.prefix}/images/create?${query}`, {
      headers: auth ? { 'X-Registry-Auth': registryAuthHeader(auth) } : {},
      timeoutMs: this.pullTimeoutMs,
      openTimeoutMs: this.callTimeoutMs,
      onLine: (line) => {
        const progress = safeParse(pullProgress, safeJson(line));
        if (progress.success && progress.data.error) failure ??= progress.data.error;
      },
    });
    const answer = await stream.done;
    if (!answer.ok) return unavailable(`pull of ${image} broke off: ${answer.message}`);
    if (answer.value.status !== 200) return rejected(engineMessage(answer.value.body));
    return failure === undefined ? done(undefined) : rejected(failure);
  }

  async createContainer(config: ContainerConfig): Promise<RuntimeResult<{ runtimeId: string }>> {
    const answer = await this.call('POST', `/containers/create?name=${encodeURIComponent(config.name)}`, {
      body: createContainerBody(config),
    });
    if (!answer.ok) return answer;
    const { status, body } = answer.value;
    if (status === 409) return { ok: false, failure: { kind: 'conflict', message: engineMessage(body) } };
    const created = safeParse(containerSummary, safeJson(body));
    if (status !== 201 || !created.success) return rejected(engineMessage(body));
    return done({ runtimeId: created.data.Id });
  }

  async startContainer(runtimeId: string): Promise<RuntimeResult<void>> {
    const answer = await this.call('POST', `/containers/${runtimeId}/start`);
    if (!answer.ok) return answer;
    // 304: already running, which is what was asked for.
    return answer.value.status === 204 || answer.value.status === 304
      ? done(undefined)
      : rejected(engineMessage(answer.value.body));
  }

  async stopContainer(runtimeId: string, timeoutSeconds: number): Promise<RuntimeResult<void>> {
    const answer = await this.call('POST', `/containers/${runtimeId}/stop?t=${timeoutSeconds}`, {
      timeoutMs: timeoutSeconds * 1000 + this.callTimeoutMs,
    });
    if (!answer.ok) return answer;
    // 304: already stopped; 404: gone, so certainly not running.
    const { status, body } = answer.value;
    return status === 204 || status === 304 || status === 404 ? done(undefined) : rejected(engineMessage(body));
  }

  async removeContainer(runtimeId: string): Promise<RuntimeResult<void>> {
    const answer = await this.call('DELETE', `/containers/${runtimeId}?v=1`);
    if (!answer.ok) return answer;
    const { status, body } = answer.value;
    return status === 204 || status === 404 ? done(undefined) : rejected(engineMessage(body));
  }

  async inspectContainer(idOrName: string): Promise<RuntimeResult<ContainerObservation | undefined>> {
    const answer = await this.call('GET', `/containers/${encodeURIComponent(idOrName)}/json`);
    if (!answer.ok) return answer;
    if (answer.value.status === 404) return done(undefined);
    const parsed = safeParse(containerInspect, safeJson(answer.value.body));
    if (answer.value.status !== 200 || !parsed.success) {
      return rejected(
        `cannot inspect container ${idOrName}: ${parsed.success ? engineMessage(answer.value.body) : parsed.error.message}`,
      );
    }
    return done(toObservation(parsed.data));
  }

  async listContainers(labels: Readonly<Record<string, string>>): Promise<RuntimeResult<ContainerObservation[]>> {
    const filters = JSON.stringify({ label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) });
    const answer = await this.call('GET', `/containers/json?all=1&filters=${encodeURIComponent(filters)}`);
    if (!answer.ok) return answer;
    const listed = safeParse(containerList, safeJson(answer.value.body));
    if (answer.value.status !== 200 || !listed.success)
      return rejected(`cannot list containers: ${engineMessage(answer.value.body)}`);
    // The listing's summary has no exit code or finish time; inspect has both.
    const inspected = await Promise.all(listed.data.map((c) => this.inspectContainer(c.Id)));
    const observations: ContainerObservation[] = [];
    for (const result of inspected) {
      if (!result.ok) return result;
      if (result.value) observations.push(result.value);
    }
    return done(observations);
  }

  /**
   * One create per network name at a time: engines before 25 check for a
   * duplicate name without a lock, so two creates racing would both succeed
   * and leave the name ambiguous.
   */
  ensureNetwork(network: NetworkSpec): Promise<RuntimeResult<void>> {
    let ensuring = this.ensuring.get(network.name);
    if (!ensuring) {
      ensuring = ensureNetwork((method, path, options) => this.call(method, path, options), network).finally(() =>
        this.ensuring.delete(network.name),
      );
      this.ensuring.set(network.name, ensuring);
    }
    return ensuring;
  }

  removeNetwork(name: string): Promise<RuntimeResult<void>> {
    return removeNetwork((method, path, options) => this.call(method, path, options), name);
  }

  listNetworks(labels: Readonly<Record<string, string>>): Promise<RuntimeResult<NetworkObservation[]>> {
    return listNetworks((method, path, options) => this.call(method, path, options), labels);
  }

  /** One-shot: the engine answers at once, without waiting a second for a second reading; the agent keeps the previous one. */
  async containerStats(runtimeId: string): Promise<RuntimeResult<ContainerStats | undefined>> {
    const answer = await this.call(
      'GET',
      `/containers/${encodeURIComponent(runtimeId)}/stats?stream=false&one-shot=true`,
    );
    if (!answer.ok) return answer;
    if (answer.value.status === 404) return done(undefined);
    const parsed = safeParse(containerStatsResponse, safeJson(answer.value.body));
    if (answer.value.status !== 200 || !parsed.success)
      return rejected(`cannot read stats of ${runtimeId}: ${engineMessage(answer.value.body)}`);
    return done(toContainerStats(parsed.data));
  }

  /** A read-only engine call answered as parsed JSON: the task metadata endpoint's view of containers and stats. */
  async readJson(path: string): Promise<RuntimeResult<{ status: number; body: unknown }>> {
    const answer = await this.call('GET', path);
    if (!answer.ok) return answer;
    return done({ status: answer.value.status, body: safeJson(answer.value.body) });
  }

  /** The follower module is loaded on first use: hosts whose tasks ship no logs never load it. */
  async followLogs(runtimeId: string, sinceMs: number, onLine: (line: LogLine) => void): Promise<LogFollow> {
    const base = await this.negotiated();
    if (!base.ok) return { done: Promise.resolve(), close: () => {} };
    const { followEngineLogs } = await import('./log-follow.ts');
    const query = `follow=1&stdout=1&stderr=1&timestamps=1&since=${(sinceMs / 1000).toFixed(3)}`;
    const path = `${base.value.prefix}/containers/${encodeURIComponent(runtimeId)}/logs?${query}`;
    return followEngineLogs(this.transport.endpoint, path, onLine);
  }

  watchEvents(labels: Readonly<Record<string, string>>, handlers: EventHandlers): EventWatch {
    return watchEngineEvents(this.transport, () => this.negotiated(), labels, handlers, this.callTimeoutMs);
  }

  abandonCalls(reason: string): void {
    this.transport.abandon(reason);
  }

  /** Drops idle keep-alive connections so the process can exit. */
  close(): void {
    this.transport.close();
  }
}
