/** One line of a container's output, as the agent read it from the engine. */
export interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
}

/** The bounds of one PutLogEvents call, as CloudWatch Logs documents them. */
export const PUT_LOG_EVENTS_LIMITS = {
  /** Events per call. */
  maxEvents: 10_000,
  /** Bytes per call: each event's UTF-8 message plus 26 bytes. */
  maxBytes: 1_048_576,
  /** Bytes per event, overhead included; longer messages are cut. */
  maxEventBytes: 262_144,
  /** The span from the first event to the last in one call. */
  maxSpanMs: 24 * 60 * 60 * 1000,
} as const;

export const EVENT_OVERHEAD_BYTES = 26;

/** What one call sends: the first `count` pending events, in time order, each within the event limit. */
export interface LogBatch {
  readonly events: readonly LogEvent[];
  readonly count: number;
}

/** A message cut to what one event may hold, on a character boundary. */
export function fitMessage(message: string, maxBytes = PUT_LOG_EVENTS_LIMITS.maxEventBytes - EVENT_OVERHEAD_BYTES) {
  if (Buffer.byteLength(message) <= maxBytes) return message;
  const cut = Buffer.from(message).subarray(0, maxBytes).toString();
  // A character split at the cut decodes as U+FFFD; dropped so the message stays within bounds.
  return cut.endsWith('\uFFFD') ? cut.slice(0, -1) : cut;
}

export function eventBytes(message: string): number {
  return Buffer.byteLength(message) + EVENT_OVERHEAD_BYTES;
}

/**
 * The longest prefix of `pending` one PutLogEvents call may carry, sorted
 * by time (the call refuses events out of order; stdout and stderr are read
 * interleaved and may cross within a millisecond). Nothing pending, nothing
 * taken.
 */
export function nextBatch(pending: readonly LogEvent[], limits = PUT_LOG_EVENTS_LIMITS): LogBatch {
  const events: LogEvent[] = [];
  let bytes = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const event of pending) {
    if (events.length >= limits.maxEvents) break;
    const message = fitMessage(event.message, limits.maxEventBytes - EVENT_OVERHEAD_BYTES);
    const size = eventBytes(message);
    const lo = Math.min(first, event.timestamp);
    const hi = Math.max(last, event.timestamp);
    if (events.length > 0 && (bytes + size > limits.maxBytes || hi - lo > limits.maxSpanMs)) break;
    events.push(message === event.message ? event : { timestamp: event.timestamp, message });
    bytes += size;
    first = lo;
    last = hi;
  }
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.timestamp - b.e.timestamp || a.i - b.i);
  return { events: sorted.map((s) => s.e), count: events.length };
}
