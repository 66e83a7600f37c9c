/**
 * Orders two texts by their dot-separated segments, numerically where both
 * segments are digits: `1.9 < 1.14.5`, `9 < 10`, `a < b`. Versions and plain
 * numbers both come out right, which is what `agentVersion < 1.14.5` or an
 * ordering on a numeric attribute expects.
 */
export function compareSegments(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}

/** `*` matches any run of characters (none included); everything else is literal. */
export function wildcardPattern(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

export interface TimeSpan {
  readonly start: number;
  /** Exclusive: a date alone spans its whole UTC day, a timestamp its second. */
  readonly end: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$/;

/** ECS's registeredAt formats; a timestamp without a zone is UTC. Undefined if unreadable. */
export function parseTimeSpan(text: string): TimeSpan | undefined {
  let iso: string;
  let length: number;
  if (DATE.test(text)) {
    iso = `${text}T00:00:00Z`;
    length = 86_400_000;
  } else {
    const timestamp = TIMESTAMP.exec(text);
    if (timestamp === null) return undefined;
    iso = timestamp[1] === undefined ? `${text}Z` : text;
    length = 1000;
  }
  const start = Date.parse(iso);
  if (Number.isNaN(start) || !isCalendarDate(text.slice(0, 10))) return undefined;
  return { start, end: start + length };
}

/** Date.parse rolls 2018-02-30 over into March; a calendar date must exist as written. */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
