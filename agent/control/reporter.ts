import type { ReportBody } from '../../shared/agent/report.ts';
import type { AgentLogger } from '../log.ts';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import type { ControlClient } from './control-client.ts';
import type { Session } from './session.ts';

export interface ReporterOptions {
  readonly client: ControlClient;
  readonly session: Session;
  readonly logger: AgentLogger;
  readonly random: () => number;
  readonly backoff: BackoffPolicy;
  /** The control plane answered report `seq`, with its desired status for the task (absent when it refused it). */
  onAnswer(taskId: string, seq: number, desiredStatus: 'RUNNING' | 'STOPPED' | undefined): void;
  /** The epoch is stale: re-register; resolves true once a new epoch is held. */
  onFenced(): Promise<boolean>;
  onDeregistered(): void;
}

interface Pending {
  readonly seq: number;
  readonly body: ReportBody;
}

/**
 * Delivers task state reports at least once. Per task only the latest
 * report waits: states are cumulative (every report carries the whole task),
 * so a newer report replaces an older undelivered one without losing
 * anything, and the per-task seq keeps the control plane from applying an
 * older one after a newer. One report per task is in flight at a time, so
 * reports of a task arrive in order. While the control plane is unreachable
 * reports wait, retried with backoff and at once when a poll gets through.
 */
export class Reporter {
  private readonly options: ReporterOptions;
  private readonly pending = new Map<string, Pending>();
  private readonly inFlight = new Set<string>();
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: ReporterOptions) {
    this.options = options;
  }

  enqueue(taskId: string, seq: number, body: ReportBody): void {
    const current = this.pending.get(taskId);
    if (current && current.seq >= seq) return;
    this.pending.set(taskId, { seq, body });
    void this.send(taskId);
  }

  /** True while a report of the task is waiting or on its way. */
  has(taskId: string): boolean {
    return this.pending.has(taskId) || this.inFlight.has(taskId);
  }

  get idle(): boolean {
    return this.pending.size === 0 && this.inFlight.size === 0;
  }

  /** Try every waiting report now (the control plane answered a poll). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const taskId of [...this.pending.keys()]) void this.send(taskId);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async send(taskId: string): Promise<void> {
    const entry = this.pending.get(taskId);
    const identity = this.options.session.current;
    if (!entry || !identity || this.inFlight.has(taskId) || this.timer || this.stopped) return;
    this.inFlight.add(taskId);
    const result = await this.options.client.reportState(taskId, {
      instanceId: identity.instanceId,
      epoch: identity.epoch,
      seq: entry.seq,
      ...entry.body,
    });
    this.inFlight.delete(taskId);
    const drop = (): void => {
      if (this.pending.get(taskId) === entry) this.pending.delete(taskId);
    };
    if (result.ok) {
      drop();
      this.attempts = 0;
      this.options.onAnswer(taskId, entry.seq, result.value.desiredStatus);
      return this.send(taskId);
    }
    const failure = result.failure;
    switch (failure.kind) {
      case 'rejected':
        // A report the control plane refuses outright is a bug on one side; retrying cannot help.
        this.options.logger.error('The control plane refused a task report; dropping it', {
          taskId,
          seq: entry.seq,
          status: failure.status,
          code: failure.code,
          message: failure.message,
        });
        drop();
        this.options.onAnswer(taskId, entry.seq, undefined);
        return this.send(taskId);
      case 'fenced':
        if (await this.options.onFenced()) return this.send(taskId);
        return this.retryLater();
      case 'instance-not-found':
        this.options.onDeregistered();
        return;
      case 'unavailable':
      // A refused credential is renewed by the poller's re-registration; the report waits for it.
      case 'unauthorized':
        return this.retryLater();
    }
  }

  private retryLater(): void {
    if (this.timer || this.stopped) return;
    const delay = backoffDelay(this.attempts++, this.options.backoff, this.options.random);
    this.timer = setTimeout(() => this.flush(), delay);
  }
}
