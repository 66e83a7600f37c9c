/**
 * Scheduled actions' schedules: `at(yyyy-mm-ddThh:mm:ss)`, `rate(n unit)`
 * and `cron(minutes hours day-of-month month day-of-week year)`, read in
 * the action's time zone (UTC by default). `fireBetween` answers whether a
 * schedule fires in a window, so each sweep looks only at the time since
 * the last one.
 */

export type Schedule =
  | { readonly kind: 'at'; readonly wall: WallTime }
  | { readonly kind: 'rate'; readonly everyMs: number }
  | { readonly kind: 'cron'; readonly fields: readonly CronField[] };

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Allowed values of one cron field; undefined is any. */
type CronField = ReadonlySet<number> | undefined;

export type ScheduleParse =
  { readonly ok: true; readonly schedule: Schedule } | { readonly ok: false; readonly message: string };

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** minutes, hours, day of month, month, day of week (1 = Sunday), year */
const CRON_RANGES: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [1, 7],
  [1970, 2199],
];
const NAMES: Record<string, number> = {
  SUN: 1,
  MON: 2,
  TUE: 3,
  WED: 4,
  THU: 5,
  FRI: 6,
  SAT: 7,
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};

export function parseSchedule(expression: string): ScheduleParse {
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = at.slice(1).map(Number);
    return { ok: true, schedule: { kind: 'at', wall: { year, month, day, hour, minute, second } } };
  }
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const count = Number(rate[1]);
    if (count < 1) return { ok: false, message: 'The rate must be a positive number' };
    return { ok: true, schedule: { kind: 'rate', everyMs: count * (UNITS[rate[2] ?? 'minute'] ?? 60_000) } };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) return parseCron((cron[1] ?? '').trim().split(/\s+/));
  return { ok: false, message: `Schedule expression ${expression} is not valid: use at(...), rate(...) or cron(...)` };
}

function parseCron(parts: readonly string[]): ScheduleParse {
  if (parts.length !== 6) return { ok: false, message: 'A cron expression has six fields' };
  const fields: CronField[] = [];
  for (const [i, part] of parts.entries()) {
    const range = CRON_RANGES[i] ?? [0, 0];
    const field = parseCronField(part, range[0], range[1]);
    if (field === null) return { ok: false, message: `Cron field ${part} is not valid` };
    fields.push(field);
  }
  return { ok: true, schedule: { kind: 'cron', fields } };
}

function parseCronField(text: string, low: number, high: number): CronField | null {
  if (text === '*' || text === '?') return undefined;
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^(\*|[A-Z0-9]+)(?:-([A-Z0-9]+))?(?:\/(\d+))?$/i.exec(item);
    if (!match) return null;
    const from = match[1] === '*' ? low : valueOf(match[1] ?? '');
    const to = match[2] !== undefined ? valueOf(match[2]) : match[3] !== undefined || match[1] === '*' ? high : from;
    const step = match[3] !== undefined ? Number(match[3]) : 1;
    if (from === undefined || to === undefined || step < 1 || from < low || to > high || from > to) return null;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function valueOf(text: string): number | undefined {
  const named = NAMES[text.toUpperCase()];
  if (named !== undefined) return named;
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

export function isValidTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at an instant in a zone. */
function wallAt(ms: number, zone: string): WallTime & { readonly weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    weekday: 'short',
  }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: NAMES[get('weekday').toUpperCase()] ?? 1,
  };
}

/** The instant a wall-clock time names in a zone (the zone's offset read at that time). */
export function instantOf(wall: WallTime, zone: string): number {
  const guess = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const seen = wallAt(guess, zone);
  const offset = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second) - guess;
  return guess - offset;
}

/**
 * Cron is checked minute by minute, and a schedule that has not fired is
 * not rewritten each sweep (that would be a write per target per minute):
 * looking back one hour bounds a sweep's work, at the price of missing a
 * cron firing during a control-plane outage longer than that.
 */
const MAX_CRON_LOOKBACK_MS = 3_600_000;

/**
 * The latest time in (from, to] at which the schedule fires, if any, within
 * the action's start and end. A rate schedule counts from its start time,
 * or from when it was created.
 */
export function fireBetween(
  schedule: Schedule,
  window: { readonly from: number; readonly to: number },
  action: { readonly zone: string; readonly start?: number; readonly end?: number; readonly created: number },
): number | undefined {
  const from = Math.max(window.from, (action.start ?? -Infinity) - 1);
  const to = Math.min(window.to, action.end ?? Infinity);
  if (to <= from) return undefined;
  if (schedule.kind === 'at') {
    const at = instantOf(schedule.wall, action.zone);
    return at > from && at <= to ? at : undefined;
  }
  if (schedule.kind === 'rate') {
    const origin = action.start ?? action.created;
    const latest = origin + Math.floor((to - origin) / schedule.everyMs) * schedule.everyMs;
    return latest > from && latest > origin ? latest : undefined;
  }
  const first = Math.max(from, to - MAX_CRON_LOOKBACK_MS);
  for (let minute = Math.floor(to / 60_000) * 60_000; minute > first; minute -= 60_000) {
    if (cronMatches(schedule.fields, wallAt(minute, action.zone))) return minute;
  }
  return undefined;
}

function cronMatches(fields: readonly CronField[], wall: WallTime & { readonly weekday: number }): boolean {
  const values = [wall.minute, wall.hour, wall.day, wall.month, wall.weekday, wall.year];
  return fields.every((field, i) => field === undefined || field.has(values[i] ?? -1));
}
