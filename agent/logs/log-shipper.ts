import { eventBytes, nextBatch, PUT_LOG_EVENTS_LIMITS } from '#shared/agent/log-batch.ts';
import { awslogsDestination, type AwslogsDestination } from '#shared/agent/log-driver.ts';
import type { AgentTask } from '#shared/agent/task-model.ts';
import type { ContainerRuntime, LogFollow, LogLine } from '#shared/ports/container-runtime.ts';
import type { LogBatches } from '#shared/schemas/logs-requests.ts';
import type { AgentLogger } from '../log.ts';

export interface LogShipperOptions {
  readonly runtime: ContainerRuntime;
  readonly tasks: () => readonly AgentTask[];
  /** Sends batches (to the control plane, or CloudWatch Logs), with each batch's destination (see ShipOutcome). */
  readonly send: (body: LogBatches, destinations: readonly AwslogsDestination[]) => Promise<ShipOutcome>;
  /** Where a newly seen container's lines resume (after an agent restart: its stream's last event); default 0. */
  readonly resumeAfter?: (destination: AwslogsDestination) => Promise<number>;
  readonly logger: AgentLogger;
  /** Between rounds (follow new containers, send what is due); default 250 ms. */
  readonly intervalMs?: number;
  /**
   * How long read lines may wait to be sent, so that each send carries more; default every round. A
   * container with a full call's worth waiting is sent at once.
   */
  readonly flushIntervalMs?: number;
  /** The most bytes kept unsent per container while the control plane is away; the oldest lines go first. */
  readonly maxPendingBytes?: number;
}

/**
 * What became of a send: `sent`; `retry` (not taken now: kept and sent
 * again); `unsupported` (the control plane keeps no logs, as a Lambda one
 * does not: its logs go to CloudWatch Logs through the engine, `--awslogs
 * engine`), after which the shipper stops for good; `{ sent: n }`: the
 * first n batches were taken and the rest are kept, as CloudWatch Logs
 * answers one stream's call at a time.
 */
export type ShipOutcome = 'sent' | 'retry' | 'unsupported' | { readonly sent: number };

interface Followed {
  readonly destination: AwslogsDestination;
  /** The engine time of the last line read, so a follow started again resumes there. */
  lastTimestamp: number;
  follow?: LogFollow;
  following: boolean;
  /** A follow begun after the container stopped has ended: everything it wrote has been read. */
  readToEnd: boolean;
  pending: { timestamp: number; message: string }[];
  pendingBytes: number;
}

const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * Ships the output of awslogs containers: follows each one's local log
 * through the engine once it has started, and sends what it read every
 * round, grouped per log stream. A follow ends when its container stops;
 * it is started again (from the last line's time) while the agent sees the
 * container running, so a restarted container keeps shipping, and once
 * more after it stopped, which reads its last lines to the end however
 * the earlier follow ended. Until then the task is `unread`, and the
 * cleanup sweep keeps its containers. Memory: the lines read and not yet
 * sent, bounded per container.
 */
export class LogShipper {
  private readonly options: LogShipperOptions;
  private readonly followed = new Map<string, Followed>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private sending = false;
  private started = false;
  private lastSend = 0;

  constructor(options: LogShipperOptions) {
    this.options = options;
  }

  start(): void {
    if (!this.options.runtime.followLogs) return;
    this.started = true;
    this.schedule();
  }

  /**
   * Whether a task has awslogs output not yet read to its end: a started
   * container not yet followed since it stopped. Removing such a container
   * would take its last lines with it (an agent restarted just before its
   * task stopped has not followed it yet). Read, not sent: what was read is
   * kept in memory until it is sent.
   */
  unread(task: AgentTask): boolean {
    if (!this.started || this.stopped) return false;
    return task.containers.some((container) => {
      const id = container.runtimeId;
      if (!id || !this.destinationOf(task, container)) return false;
      return !this.followed.get(id)?.readToEnd;
    });
  }

  /** Where a container's lines go: only an awslogs one that has started (see round). */
  private destinationOf(task: AgentTask, container: AgentTask['containers'][number]): AwslogsDestination | undefined {
    // Not before it started: the engine ends a follow of a created container at once, and one
    // that then runs and exits between two rounds would never be followed again.
    const started = container.status === 'RUNNING' || container.status === 'STOPPED';
    if (!task.spec || !container.runtimeId || !started) return undefined;
    const definition = task.spec.containerDefinitions.find((d) => d.name === container.name);
    return definition && awslogsDestination(task.spec, definition, container.runtimeId);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const entry of this.followed.values()) entry.follow?.close();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.round()
        // A round's fault is logged and the next round goes on: a rejection left unhandled would end the agent.
        .catch((error: unknown) =>
          this.options.logger.warn('Shipping container logs failed; will retry', { error: String(error) }),
        )
        .finally(() => this.schedule());
    }, this.options.intervalMs ?? 250);
  }

  /** One round: follow what should be followed, then send; exposed for tests. */
  async round(): Promise<void> {
    if (this.stopped) return;
    const live = new Set<string>();
    for (const task of this.options.tasks()) {
      for (const container of task.containers) {
        const destination = this.destinationOf(task, container);
        const id = container.runtimeId;
        if (!destination || !id) continue;
        live.add(id);
        let entry = this.followed.get(id);
        if (!entry) {
          const lastTimestamp = (await this.options.resumeAfter?.(destination)) ?? 0;
          entry = { destination, lastTimestamp, following: false, readToEnd: false, pending: [], pendingBytes: 0 };
          this.followed.set(id, entry);
        }
        // Seen stopped before the follow began, so the follow reads to the end; one begun while the container
        // ran (or stopped while resumeAfter was asked) is followed by another once the agent sees it stopped.
        if (!entry.following && !entry.readToEnd) await this.follow(id, entry, container.status === 'STOPPED');
      }
    }
    if (this.due()) await this.send();
    // Containers the agent no longer knows are done once their lines are sent.
    for (const [id, entry] of this.followed) {
      if (!live.has(id) && !entry.following && entry.pending.length === 0) this.followed.delete(id);
    }
  }

  /** `afterStop`: the container had stopped before this follow began, so its end is the log's end. */
  private async follow(runtimeId: string, entry: Followed, afterStop: boolean): Promise<void> {
    const followLogs = this.options.runtime.followLogs?.bind(this.options.runtime);
    if (!followLogs) return;
    entry.following = true;
    const since = entry.lastTimestamp;
    let follow: LogFollow;
    try {
      follow = await followLogs(runtimeId, since, (line) => this.take(entry, line, since));
    } catch (error) {
      // Tried again next round: a follow that never began must not hold the container (unread) for good.
      entry.following = false;
      this.options.logger.warn('Following container logs failed; will retry', { error: String(error) });
      return;
    }
    entry.follow = follow;
    void follow.done.then(() => {
      entry.following = false;
      if (afterStop) entry.readToEnd = true;
    });
  }

  private take(entry: Followed, line: LogLine, since: number): void {
    // A follow started again re-reads its last millisecond; what was read already is not sent twice.
    if (since > 0 && line.timestamp <= since) return;
    entry.lastTimestamp = Math.max(entry.lastTimestamp, line.timestamp);
    entry.pending.push({ timestamp: line.timestamp, message: line.message });
    entry.pendingBytes += line.message.length + 26;
    const max = this.options.maxPendingBytes ?? 4 * 1024 * 1024;
    while (entry.pendingBytes > max && entry.pending.length > 1) {
      const dropped = entry.pending.shift();
      entry.pendingBytes -= (dropped?.message.length ?? 0) + 26;
    }
  }

  /** A control plane without a log store: nothing is followed or kept, and the operator is told once. */
  private giveUp(): void {
    this.options.logger.warn(
      'The control plane keeps no container logs; run the agent with --awslogs engine to send awslogs containers to CloudWatch Logs',
    );
    this.stop();
    this.followed.clear();
  }

  /** Whether this round sends: the flush interval has passed, or a container has a full call's worth waiting. */
  private due(): boolean {
    const { flushIntervalMs } = this.options;
    if (flushIntervalMs === undefined || Date.now() - this.lastSend >= flushIntervalMs) return true;
    for (const entry of this.followed.values()) {
      if (entry.pending.length >= PUT_LOG_EVENTS_LIMITS.maxEvents || entry.pendingBytes >= MAX_BATCH_BYTES) return true;
    }
    return false;
  }

  private async send(): Promise<void> {
    if (this.sending) return;
    this.lastSend = Date.now();
    const batches: LogBatches['batches'] = [];
    const taken: { entry: Followed; count: number; bytes: number }[] = [];
    let bytes = 0;
    for (const entry of this.followed.values()) {
      if (entry.pending.length === 0 || batches.length >= 100 || bytes >= MAX_BATCH_BYTES) continue;
      // Each batch is one PutLogEvents call's worth (log-batch.ts), in time order.
      const { events, count } = nextBatch(entry.pending);
      const size = events.reduce((sum, e) => sum + eventBytes(e.message), 0);
      if (batches.length > 0 && bytes + size > MAX_BATCH_BYTES) continue;
      bytes += size;
      batches.push({
        logGroupName: entry.destination.group,
        logStreamName: entry.destination.stream,
        events: [...events],
      });
      const kept = entry.pending.slice(0, count).reduce((sum, e) => sum + e.message.length + 26, 0);
      taken.push({ entry, count, bytes: kept });
    }
    if (batches.length === 0) return;
    this.sending = true;
    try {
      const destinations = taken.map((t) => t.entry.destination);
      const outcome = await this.options.send({ batches }, destinations);
      if (outcome === 'unsupported') return this.giveUp();
      if (outcome === 'retry') return;
      const sent = outcome === 'sent' ? taken : taken.slice(0, outcome.sent);
      for (const { entry, count, bytes: size } of sent) {
        entry.pending.splice(0, count);
        entry.pendingBytes -= size;
      }
    } catch (error) {
      this.options.logger.warn('Shipping container logs failed; will retry', { error: String(error) });
    } finally {
      this.sending = false;
    }
  }
}
