/**
 * Where container output is kept and read back: Berth's own store in dev
 * mode (functions/runtime/dev-log-store.ts); in AWS, CloudWatch Logs itself
 * is the store and nothing implements this. Shaped after CloudWatch Logs:
 * groups of streams of events ordered by time.
 */
export interface LogEvent {
  /** When the line was written, as the engine stamped it (ms since the epoch). */
  readonly timestamp: number;
  readonly message: string;
  /** When the store took it (ms since the epoch). */
  readonly ingestionTime: number;
  /** Unique in the store and rising in the order events were taken: event ids and read positions. */
  readonly id: number;
}

export interface LogStreamSummary {
  readonly group: string;
  readonly stream: string;
  readonly creationTime: number;
  readonly firstEventTimestamp?: number;
  readonly lastEventTimestamp?: number;
  readonly lastIngestionTime?: number;
  readonly storedBytes: number;
}

export interface LogGroupSummary {
  readonly group: string;
  readonly creationTime: number;
  readonly storedBytes: number;
  readonly retentionInDays?: number;
}

export interface LogStore {
  /** Appends events to a stream, creating the group and stream as needed. */
  put(group: string, stream: string, events: readonly { timestamp: number; message: string }[]): void;
  /** Every group, by name. */
  groups(): readonly LogGroupSummary[];
  /** The group's streams by name; undefined when the group does not exist. */
  streams(group: string): readonly LogStreamSummary[] | undefined;
  /** A stream's events in time order; undefined when it does not exist. */
  events(group: string, stream: string): readonly LogEvent[] | undefined;
  /** Resolves at the next put into the group, or after `ms`, whichever is first. */
  changed(group: string, ms: number): Promise<void>;
}
