import { LABELS } from '#shared/agent/labels.ts';
import { observe } from '#shared/agent/observe.ts';
import type { ContainerRuntime, EventWatch, RuntimeEvent } from '#shared/ports/container-runtime.ts';
import { backoffDelay, type BackoffPolicy } from '../control/backoff.ts';
import type { AgentLogger } from '../log.ts';
import { adoptListing } from './adoption.ts';
import type { TaskEngine } from './task-engine.ts';

export interface RuntimeSyncOptions {
  readonly runtime: ContainerRuntime;
  readonly engine: TaskEngine;
  /** The labels of this agent's containers (cluster and instance). */
  readonly selector: () => Readonly<Record<string, string>>;
  readonly logger: AgentLogger;
  readonly random: () => number;
  readonly backoff: BackoffPolicy;
  readonly defaultStopTimeoutSeconds: number;
  /** How often the engine is pinged while the agent thinks it is up. */
  readonly livenessIntervalMs: number;
  /** Told each time the engine is found unresponsive, and when it answers again. */
  readonly onEngineStatus?: (status: EngineStatus) => void;
}

/** What the agent reports of its container engine. */
export type EngineStatus = 'RESPONSIVE' | 'UNRESPONSIVE';

/**
 * Keeps the engine's picture of the containers current. The engine's event
 * stream drives it; nothing polls every container. On connecting (and after
 * any loss of the stream) it subscribes first and then lists every container
 * by label, so no change can fall between the listing and the first event.
 * While the engine is unreachable the agent starts and stops nothing, and
 * tries again with backoff.
 *
 * An engine can also hang: accept connections and never answer. An idle
 * event stream looks the same as a quiet engine, so while connected the
 * engine is pinged (each call has a deadline); a ping that gets no answer
 * counts as losing the engine: the stream (which may have swallowed events)
 * is dropped, the engine reported UNRESPONSIVE, and the agent reconnects and
 * lists everything again once the engine answers.
 */
export class RuntimeSync {
  private readonly options: RuntimeSyncOptions;
  private watch: EventWatch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private stopped = false;
  private status: EngineStatus | undefined;

  constructor(options: RuntimeSyncOptions) {
    this.options = options;
  }

  start(): void {
    this.connect();
    this.scheduleProbe();
  }

  stop(): void {
    this.stopped = true;
    this.watch?.close();
    if (this.timer) clearTimeout(this.timer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
  }

  /** Something found the engine unreachable: drop the stream and reconnect. */
  trouble(): void {
    this.lose('a step found the engine unreachable');
  }

  private lose(reason: string): void {
    if (this.stopped || this.timer) return;
    this.watch?.close();
    this.watch = undefined;
    this.options.engine.setRuntimeUp(false);
    this.reconnectLater(reason);
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.probeTimer = setTimeout(() => void this.probe(), this.options.livenessIntervalMs);
    this.probeTimer.unref();
  }

  /** Pings the engine while the stream is up; reconnecting already tells whether it answers. */
  private async probe(): Promise<void> {
    const watch = this.watch;
    if (watch && !this.timer) {
      const answer = await this.options.runtime.ping();
      if (!answer.ok && answer.failure.kind === 'unavailable' && this.watch === watch) {
        this.lose(`the engine did not answer a ping: ${answer.failure.message}`);
        // Steps waiting on the stuck engine give up now and run again after the resync, not at their own deadlines.
        this.options.runtime.abandonCalls('the engine stopped answering');
      }
    }
    this.scheduleProbe();
  }

  private report(status: EngineStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onEngineStatus?.(status);
  }

  private connect(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const watch: EventWatch = this.options.runtime.watchEvents(this.options.selector(), {
      onOpen: () => void this.resync(watch),
      onEvent: (event) => void this.onEvent(event),
      onClose: (reason) => {
        if (this.stopped || this.watch !== watch) return;
        this.watch = undefined;
        this.options.engine.setRuntimeUp(false);
        this.reconnectLater(reason);
      },
    });
    this.watch = watch;
  }

  private reconnectLater(reason: string): void {
    if (this.stopped || this.timer) return;
    const delay = backoffDelay(this.attempts++, this.options.backoff, this.options.random);
    this.report('UNRESPONSIVE');
    this.options.logger.warn('Lost the container engine; reconnecting', { reason, retryInMs: delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private async resync(watch: EventWatch): Promise<void> {
    const { engine, runtime } = this.options;
    const knownBefore = new Set(
      engine.list().flatMap((t) => t.containers.flatMap((c) => (c.runtimeId ? [c.runtimeId] : []))),
    );
    const listing = await runtime.listContainers(this.options.selector());
    if (this.stopped || this.watch !== watch) return;
    if (!listing.ok) {
      watch.close();
      this.watch = undefined;
      this.reconnectLater(listing.failure.message);
      return;
    }
    adoptListing(engine, listing.value, {
      knownBefore,
      defaultStopTimeoutSeconds: this.options.defaultStopTimeoutSeconds,
    });
    if (this.attempts > 0)
      this.options.logger.info('Container engine is back; state resynchronised', { containers: listing.value.length });
    this.attempts = 0;
    this.report('RESPONSIVE');
    engine.setRuntimeUp(true);
  }

  private async onEvent(event: RuntimeEvent): Promise<void> {
    // Creates are the agent's own doing and already known; the rest may change state.
    if (event.kind === 'create') return;
    const { engine, runtime } = this.options;
    const taskId = event.labels[LABELS.taskId];
    const name = event.labels[LABELS.containerName];
    if (!taskId || !name || !engine.get(taskId)?.containers.some((c) => c.name === name)) return;
    if (event.kind === 'destroy') {
      engine.dispatch(taskId, { type: 'vanished', container: name });
      return;
    }
    // The event says when to look; the inspection says what is there.
    const inspected = await runtime.inspectContainer(event.runtimeId);
    if (!inspected.ok) return;
    if (inspected.value)
      engine.dispatch(taskId, { type: 'observed', container: name, observed: observe(inspected.value) });
    else engine.dispatch(taskId, { type: 'vanished', container: name });
  }
}
