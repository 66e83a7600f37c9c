import type { LogEvent, LogGroupSummary, LogStore, LogStreamSummary } from '#shared/ports/log-store.ts';

export interface DevLogStoreOptions {
  /** Events older than this are dropped; 7 days by default. */
  readonly retentionMs?: number;
  /** The most bytes of messages kept over all streams; the oldest go first. 64 MiB by default. */
  readonly maxBytes?: number;
  readonly now?: () => number;
}

export const DEFAULT_LOG_RETENTION_MS = 7 * 24 * 3_600_000;
export const DEFAULT_LOG_MAX_BYTES = 64 * 1024 * 1024;
/** CloudWatch Logs counts 26 bytes of overhead per event; the store counts the same, so the cap means what it says there. */
const EVENT_OVERHEAD = 26;

interface Stream {
  readonly creationTime: number;
  events: LogEvent[];
  bytes: number;
  lastIngestionTime?: number;
}

interface Group {
  readonly creationTime: number;
  readonly streams: Map<string, Stream>;
}

/**
 * Dev mode's log store, in the control plane's memory: the agent ships
 * container output here, the CloudWatch Logs subset reads it. Lines outlive
 * their containers (the store does not know containers), not the process.
 * Bounded twice: by age (the retention) and by total size, dropping the
 * oldest events of the largest stream first, so a noisy task cannot grow
 * the process without limit.
 */
export function createDevLogStore(options: DevLogStoreOptions = {}): LogStore {
  const retentionMs = options.retentionMs ?? DEFAULT_LOG_RETENTION_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
  const now = options.now ?? Date.now;
  const groups = new Map<string, Group>();
  const waiters = new Map<string, Set<() => void>>();
  let total = 0;
  let lastId = 0;

  const size = (e: { message: string }) => Buffer.byteLength(e.message) + EVENT_OVERHEAD;

  function trim(): void {
    const oldest = now() - retentionMs;
    for (const group of groups.values()) {
      for (const stream of group.streams.values()) {
        let drop = 0;
        while (drop < stream.events.length && (stream.events[drop]?.timestamp ?? 0) < oldest) drop += 1;
        if (drop > 0) dropFirst(stream, drop);
      }
    }
    while (total > maxBytes) {
      const largest = [...groups.values()]
        .flatMap((g) => [...g.streams.values()])
        .reduce<Stream | undefined>((a, b) => (a === undefined || b.bytes > a.bytes ? b : a), undefined);
      if (!largest || largest.events.length === 0) break;
      dropFirst(largest, Math.max(1, Math.ceil(largest.events.length / 10)));
    }
  }

  function dropFirst(stream: Stream, count: number): void {
    const dropped = stream.events.splice(0, count);
    const bytes = dropped.reduce((sum, e) => sum + size(e), 0);
    stream.bytes -= bytes;
    total -= bytes;
  }

  return {
    put(groupName, streamName, events) {
      const at = now();
      let group = groups.get(groupName);
      if (!group) {
        group = { creationTime: at, streams: new Map() };
        groups.set(groupName, group);
      }
      let stream = group.streams.get(streamName);
      if (!stream) {
        stream = { creationTime: at, events: [], bytes: 0 };
        group.streams.set(streamName, stream);
      }
      for (const e of events) {
        const event = { timestamp: e.timestamp, message: e.message, ingestionTime: at, id: (lastId += 1) };
        // Shipped in order almost always; a late one is put in its place so readers see time order.
        let i = stream.events.length;
        while (i > 0 && (stream.events[i - 1]?.timestamp ?? 0) > event.timestamp) i -= 1;
        stream.events.splice(i, 0, event);
        stream.bytes += size(event);
        total += size(event);
      }
      if (events.length > 0) stream.lastIngestionTime = at;
      trim();
      const woken = waiters.get(groupName);
      waiters.delete(groupName);
      for (const wake of woken ?? []) wake();
    },
    groups() {
      return [...groups.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, g]): LogGroupSummary => ({
          group: name,
          creationTime: g.creationTime,
          storedBytes: [...g.streams.values()].reduce((sum, s) => sum + s.bytes, 0),
          retentionInDays: Math.max(1, Math.round(retentionMs / 86_400_000)),
        }));
    },
    streams(groupName) {
      const group = groups.get(groupName);
      if (!group) return undefined;
      return [...group.streams.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, s]): LogStreamSummary => {
          const first = s.events[0];
          const last = s.events.at(-1);
          return {
            group: groupName,
            stream: name,
            creationTime: s.creationTime,
            storedBytes: s.bytes,
            ...(first && { firstEventTimestamp: first.timestamp }),
            ...(last && { lastEventTimestamp: last.timestamp }),
            ...(s.lastIngestionTime !== undefined && { lastIngestionTime: s.lastIngestionTime }),
          };
        });
    },
    events(groupName, streamName) {
      return groups.get(groupName)?.streams.get(streamName)?.events;
    },
    changed(groupName, ms) {
      return new Promise<void>((resolve) => {
        const set = waiters.get(groupName) ?? new Set();
        waiters.set(groupName, set);
        const wake = () => {
          clearTimeout(timer);
          set.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        timer.unref();
        set.add(wake);
      });
    },
  };
}
