import type { PollRequest, PollResponse } from '#shared/schemas/agent-api.ts';
import type { TaskMetrics } from '#shared/schemas/task-metrics.ts';
import type { AgentLogger } from '../log.ts';
import { pollRetryDelay, type BackoffPolicy } from './backoff.ts';
import type { ControlClient } from './control-client.ts';
import { describeFailure, type Session } from './session.ts';

export interface PollerOptions {
  readonly client: ControlClient;
  readonly session: Session;
  readonly logger: AgentLogger;
  readonly random: () => number;
  readonly backoff: BackoffPolicy;
  /** Seconds between polls; the control plane's pollIntervalSeconds unless overridden. */
  readonly intervalSeconds: () => number;
  /**
   * How long the control plane may hold a poll that finds nothing new
   * (a long poll); 0 turns it off. Default 5 s, well under the control
   * client's 10 s request timeout. A control plane that answers at once
   * (Lambda) is simply polled at the interval.
   */
  readonly longPollSeconds?: number;
  onResponse(response: PollResponse): void;
  /** The control plane answered: whatever waited for it can go now. */
  onReachable(): void;
  onFenced(): Promise<boolean>;
  onDeregistered(): void;
  /** The credential was refused: register again (credential, then token); resolves true on success. */
  onUnauthorized(): Promise<boolean>;
  /** Runs before each poll (the credential's exchange when due); its failure does not stop the poll. */
  beforePoll?(): Promise<void>;
  /** Whether the container engine answers, carried on every poll once known. */
  engineStatus?(): PollRequest['engineStatus'];
  /** The task samples taken since the last poll, carried on this one (no request of their own). */
  metrics?(): TaskMetrics[] | undefined;
  /** The DNS view serial held, when the agent serves the view: the answer then carries a newer one. */
  dnsSerial?(): number;
}

export const DEFAULT_LONG_POLL_SECONDS = 5;

/**
 * The assignment loop: one poll per interval carries the heartbeat and
 * brings back the assignments (or "unchanged" when `knownVersion` is
 * current). Where the control plane holds polls until something changes,
 * the next poll goes out as soon as one returns, so new work arrives the
 * moment it is placed, with the specs of new tasks in the answer. An unreachable control plane is retried with backoff and jitter;
 * it never touches the containers. `pollNow` polls at once, for whoever
 * knows something changed (a push hint later, a test now).
 */
export class Poller {
  private readonly options: PollerOptions;
  private knownVersion: number | undefined;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private again = false;
  private stopped = false;

  constructor(options: PollerOptions) {
    this.options = options;
  }

  start(): void {
    this.pollNow();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Forget the assignments version, so the next poll brings the whole list. */
  resetVersion(): void {
    this.knownVersion = undefined;
  }

  pollNow(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.poll();
  }

  private async poll(): Promise<void> {
    const identity = this.options.session.current;
    if (!identity) return;
    this.polling = true;
    this.again = false;
    await this.options.beforePoll?.().catch((error: unknown) =>
      this.options.logger.error('Preparing a poll failed', {
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    if (this.stopped) return;
    const waitSeconds = this.options.longPollSeconds ?? DEFAULT_LONG_POLL_SECONDS;
    const sent = Date.now();
    const engineStatus = this.options.engineStatus?.();
    const metrics = this.options.metrics?.();
    const dnsSerial = this.options.dnsSerial?.();
    const result = await this.options.client.poll(identity.instanceId, {
      epoch: identity.epoch,
      ...(this.knownVersion !== undefined ? { knownVersion: this.knownVersion } : {}),
      ...(waitSeconds > 0 && { waitSeconds, withSpecs: true }),
      ...(engineStatus !== undefined && { engineStatus }),
      ...(metrics !== undefined && { metrics }),
      ...(dnsSerial !== undefined && { dnsSerial }),
    });
    if (this.stopped) return;
    const intervalMs = this.options.intervalSeconds() * 1000;
    const retryDelay = (attempt: number) =>
      pollRetryDelay(attempt, this.options.backoff, this.options.random, intervalMs);
    let delayMs = intervalMs;
    if (result.ok) {
      // A change, or a poll the control plane held: the next one goes out at once.
      const held = waitSeconds > 0 && Date.now() - sent >= (waitSeconds * 1000) / 2;
      if (waitSeconds > 0 && (result.value.changed || held || result.value.dns)) delayMs = 0;
      if (this.failures > 0) this.options.logger.info('The control plane is reachable again');
      this.failures = 0;
      this.knownVersion = result.value.version;
      this.options.onReachable();
      this.options.onResponse(result.value);
    } else {
      const failure = result.failure;
      if (failure.kind === 'instance-not-found') return this.options.onDeregistered();
      if (failure.kind === 'fenced') {
        this.knownVersion = undefined;
        if (await this.options.onFenced()) delayMs = 0;
        else delayMs = retryDelay(this.failures++);
      } else if (failure.kind === 'unauthorized') {
        if (this.failures === 0) {
          this.options.logger.error('The control plane refused the instance credential; registering again', {
            error: describeFailure(failure),
          });
        }
        const renewed = await this.options.onUnauthorized();
        // Straight back after the first renewal; a credential refused again and again waits.
        delayMs = renewed && this.failures === 0 ? 0 : retryDelay(this.failures);
        this.failures++;
      } else if (failure.kind === 'unavailable') {
        delayMs = retryDelay(this.failures++);
        // The first miss is worth a line; the rest of an outage is not.
        if (this.failures === 1)
          this.options.logger.warn('The control plane is unreachable; containers keep running', {
            error: failure.message,
          });
      } else {
        this.options.logger.error('The control plane refused a poll', { error: describeFailure(failure) });
      }
    }
    this.polling = false;
    if (this.again) delayMs = 0;
    if (!this.stopped) this.timer = setTimeout(() => this.pollNow(), delayMs);
  }
}
