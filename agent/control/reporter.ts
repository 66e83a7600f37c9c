import type { ReportBody } from '#shared/agent/report.ts';
import { MAX_REPORTS_PER_REQUEST } from '#shared/schemas/agent-api-limits.ts';
import type { TaskStateReportsResponse } from '#shared/schemas/agent-api.ts';
import type { AgentLogger } from '../log.ts';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import type { ControlClient, ControlResult } from './control-client.ts';
import type { Identity } from '../state/state-dir.ts';
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

type Answers = TaskStateReportsResponse['results'];

/**
 * Delivers task state reports at least once. Per task only the latest
 * report waits: states are cumulative (every report carries the whole task),
 * so a newer report replaces an older undelivered one without losing
 * anything, and the per-task seq keeps the control plane from applying an
 * older one after a newer.
 *
 * Reports travel in batches, one request for every task with something to
 * say (up to MAX_REPORTS_PER_REQUEST), and one batch is on its way at a
 * time: reports of a task arrive in order, and those made while a batch is
 * out go together in the next. A control plane that does not know the
 * batch endpoint (older than this agent) gets one report per request.
 * While the control plane is unreachable reports wait, retried with backoff
 * and at once when a poll gets through.
 */
export class Reporter {
  private readonly options: ReporterOptions;
  private readonly pending = new Map<string, Pending>();
  /** The tasks whose reports are on their way. */
  private readonly inFlight = new Set<string>();
  private batches = true;
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
    void this.send();
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
    void this.send();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async send(): Promise<void> {
    const identity = this.options.session.current;
    if (!identity || this.inFlight.size > 0 || this.timer || this.stopped || this.pending.size === 0) return;
    const size = this.batches ? MAX_REPORTS_PER_REQUEST : 1;
    const batch = [...this.pending].slice(0, size);
    for (const [taskId] of batch) this.inFlight.add(taskId);
    const result = await this.deliver(identity, batch);
    this.inFlight.clear();

    if (result.ok) {
      this.attempts = 0;
      const answers = new Map(result.value.map((answer) => [answer.taskId, answer]));
      let unanswered = false;
      for (const [taskId, entry] of batch) {
        const answer = answers.get(taskId);
        if (!answer) unanswered = true;
        else if ('error' in answer)
          this.refused(taskId, entry, { code: answer.error.code, message: answer.error.message });
        else this.answered(taskId, entry, answer.desiredStatus);
      }
      // An answer that leaves reports out is the control plane's bug; they wait rather than loop.
      return unanswered ? this.retryLater() : this.send();
    }
    const failure = result.failure;
    switch (failure.kind) {
      case 'rejected':
        if (this.batches && (failure.status === 404 || failure.status === 405)) {
          this.options.logger.info('The control plane takes no batched reports; sending one task per request', {
            status: failure.status,
          });
          this.batches = false;
          return this.send();
        }
        // A report the control plane refuses outright is a bug on one side; retrying cannot help.
        for (const [taskId, entry] of batch) this.refused(taskId, entry, failure);
        return this.send();
      case 'fenced':
        if (await this.options.onFenced()) return this.send();
        return this.retryLater();
      case 'instance-not-found':
        this.options.onDeregistered();
        return;
      case 'unavailable':
      // A refused credential is renewed by the poller's re-registration; the reports wait for it.
      case 'unauthorized':
        return this.retryLater();
    }
  }

  private async deliver(identity: Identity, batch: readonly [string, Pending][]): Promise<ControlResult<Answers>> {
    const { instanceId, epoch } = identity;
    if (this.batches) {
      const reports = batch.map(([taskId, { seq, body }]) => ({ taskId, report: { seq, ...body } }));
      const result = await this.options.client.reportStates({ instanceId, epoch, reports });
      return result.ok ? { ok: true, value: result.value.results } : result;
    }
    const [taskId, { seq, body }] = batch[0] as [string, Pending];
    const result = await this.options.client.reportState(taskId, { instanceId, epoch, seq, ...body });
    return result.ok ? { ok: true, value: [{ taskId, ...result.value }] } : result;
  }

  private answered(taskId: string, entry: Pending, desiredStatus: 'RUNNING' | 'STOPPED'): void {
    this.drop(taskId, entry);
    this.options.onAnswer(taskId, entry.seq, desiredStatus);
  }

  private refused(taskId: string, entry: Pending, why: { code: string; message: string; status?: number }): void {
    this.options.logger.error('The control plane refused a task report; dropping it', {
      taskId,
      seq: entry.seq,
      ...why,
    });
    this.drop(taskId, entry);
    this.options.onAnswer(taskId, entry.seq, undefined);
  }

  /** Forgets a delivered report, unless a newer one of the task came in meanwhile. */
  private drop(taskId: string, entry: Pending): void {
    if (this.pending.get(taskId) === entry) this.pending.delete(taskId);
  }

  private retryLater(): void {
    if (this.timer || this.stopped) return;
    const delay = backoffDelay(this.attempts++, this.options.backoff, this.options.random);
    this.timer = setTimeout(() => this.flush(), delay);
  }
}
