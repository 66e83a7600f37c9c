/**
 * Bounds what refused unauthenticated calls cost the audit log. Anyone can
 * send garbage, and each refusal recorded one by one is a table write; so
 * per source address and per minute, the first `perMinute` refusals are
 * recorded in full and the rest are only counted. The count of a minute is
 * handed back once that minute is over (at the next refusal this process
 * sees), to be written as one summary record: a flood still shows, as one
 * line per source per minute, and costs at most `perMinute + 1` writes per
 * source per minute per control-plane process.
 *
 * Pure: the caller passes the time. Authenticated refusals (a known key or
 * instance refused by policy) never pass through here: they are always
 * recorded, since their principal can be disabled.
 */
export interface AuditThrottle {
  /** Records this refusal in full (true), or only counts it (false). */
  admit(source: string, now: number): boolean;
  /** Minutes that are over and had refusals only counted; each is returned once. */
  closed(now: number): SuppressedRefusals[];
}

export interface SuppressedRefusals {
  readonly source: string;
  /** Start of the minute, epoch ms. */
  readonly from: number;
  /** End of the minute (exclusive), epoch ms. */
  readonly until: number;
  readonly count: number;
}

export const AUDIT_THROTTLE_DEFAULTS = {
  /** Full records per source per minute. */
  perMinute: 20,
  /** Sources tracked at once; beyond that the oldest window is closed early. */
  maxSources: 10_000,
} as const;

const MINUTE_MS = 60_000;

interface Window {
  readonly from: number;
  recorded: number;
  suppressed: number;
}

export function createAuditThrottle(options: { perMinute?: number; maxSources?: number } = {}): AuditThrottle {
  const perMinute = options.perMinute ?? AUDIT_THROTTLE_DEFAULTS.perMinute;
  const maxSources = options.maxSources ?? AUDIT_THROTTLE_DEFAULTS.maxSources;
  const windows = new Map<string, Window>();
  /** Summaries of windows closed early (too many sources, or a new minute for the source). */
  const pending: SuppressedRefusals[] = [];

  const summary = (source: string, w: Window): SuppressedRefusals => ({
    source,
    from: w.from,
    until: w.from + MINUTE_MS,
    count: w.suppressed,
  });

  function close(source: string, w: Window): void {
    windows.delete(source);
    if (w.suppressed > 0) pending.push(summary(source, w));
  }

  return {
    admit(source, now) {
      const from = now - (now % MINUTE_MS);
      let window = windows.get(source);
      if (window && window.from !== from) {
        close(source, window);
        window = undefined;
      }
      if (!window) {
        window = { from, recorded: 0, suppressed: 0 };
        windows.set(source, window);
        const oldest = windows.size > maxSources ? windows.entries().next().value : undefined;
        if (oldest) close(oldest[0], oldest[1]);
      }
      if (window.recorded < perMinute) {
        window.recorded += 1;
        return true;
      }
      window.suppressed += 1;
      return false;
    },

    closed(now) {
      const from = now - (now % MINUTE_MS);
      for (const [source, w] of windows) if (w.from < from) close(source, w);
      return pending.splice(0, pending.length);
    },
  };
}
