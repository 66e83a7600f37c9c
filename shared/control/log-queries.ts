import type { Deployment } from '../domain/arn.ts';
import { compileFilterPattern } from '../domain/log-filter-pattern.ts';
import type { LogEvent, LogStore } from '../ports/log-store.ts';
import type {
  DescribeLogGroupsRequest,
  DescribeLogStreamsRequest,
  FilterLogEventsRequest,
  GetLogEventsRequest,
} from '../schemas/logs-requests.ts';
import { decodeToken, encodeToken } from './log-tokens.ts';
import { invalidParameter, logGroupNotFound, logStreamNotFound } from './logs-errors.ts';

/**
 * The CloudWatch Logs reads over a LogStore (dev mode's store; in AWS the
 * clients read CloudWatch Logs itself). Answers carry CloudWatch Logs'
 * member names so they serialise as its responses.
 */
export interface LogReadContext {
  readonly store: LogStore;
  readonly deployment: Deployment;
  /** How long a FilterLogEvents follow-up (a live nextToken) waits for new events; see filterLogEvents. */
  readonly holdMs: number;
}

const MAX_PAGE_BYTES = 1024 * 1024;

/** The group named by logGroupName or logGroupIdentifier (a name or the group's ARN), exactly one of them. */
export function groupOf(request: { logGroupName?: string; logGroupIdentifier?: string }): string {
  const { logGroupName: name, logGroupIdentifier: identifier } = request;
  if (name !== undefined && identifier !== undefined)
    throw invalidParameter('LogGroupName and LogGroupIdentifier are mutually exclusive; specify only one.');
  if (name !== undefined) return name;
  if (identifier === undefined) throw invalidParameter('Either logGroupName or logGroupIdentifier is required.');
  const arn = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(:\*)?$/.exec(identifier);
  return arn?.[1] ?? identifier;
}

const within = (request: { startTime?: number; endTime?: number }) => (e: LogEvent) =>
  (request.startTime === undefined || e.timestamp >= request.startTime) &&
  (request.endTime === undefined || e.timestamp < request.endTime);

const byTimeThenId = (a: LogEvent, b: LogEvent) => a.timestamp - b.timestamp || a.id - b.id;
const after = (e: LogEvent, key: { timestamp: number; id: number }) =>
  e.timestamp > key.timestamp || (e.timestamp === key.timestamp && e.id > key.id);
const before = (e: LogEvent, key: { timestamp: number; id: number }) =>
  e.timestamp < key.timestamp || (e.timestamp === key.timestamp && e.id < key.id);

/** A page under both CloudWatch Logs limits: `limit` events and 1 MB of messages. */
function page<T extends LogEvent>(events: readonly T[], limit: number): T[] {
  const taken: T[] = [];
  let bytes = 0;
  for (const e of events) {
    bytes += Buffer.byteLength(e.message) + 26;
    if (taken.length >= limit || (taken.length > 0 && bytes > MAX_PAGE_BYTES)) break;
    taken.push(e);
  }
  return taken;
}

const event = (e: LogEvent) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime });
const forward = (key: { timestamp: number; id: number }) => `f/${encodeToken({ kind: 'after', ...key })}`;
const backward = (key: { timestamp: number; id: number }) => `b/${encodeToken({ kind: 'after', ...key })}`;

export function getLogEvents(ctx: LogReadContext, request: GetLogEventsRequest) {
  const group = groupOf(request);
  if (!ctx.store.streams(group)) throw logGroupNotFound();
  const all = ctx.store.events(group, request.logStreamName);
  if (!all) throw logStreamNotFound();
  const events = all.filter(within(request));
  const limit = request.limit ?? 10_000;
  const token = request.nextToken;
  let chosen: LogEvent[];
  if (token?.startsWith('f/')) {
    const key = afterKey(token.slice(2));
    chosen = page(
      events.filter((e) => after(e, key)),
      limit,
    );
    if (chosen.length === 0) return { events: [], nextForwardToken: token, nextBackwardToken: `b/${token.slice(2)}` };
  } else if (token?.startsWith('b/')) {
    const key = afterKey(token.slice(2));
    chosen = page(events.filter((e) => before(e, key)).reverse(), limit).reverse();
    if (chosen.length === 0) return { events: [], nextForwardToken: `f/${token.slice(2)}`, nextBackwardToken: token };
  } else if (token !== undefined) {
    throw invalidParameter('The specified nextToken is not valid.');
  } else {
    chosen = request.startFromHead ? page(events, limit) : page([...events].reverse(), limit).reverse();
  }
  const first = chosen[0] ?? { timestamp: 0, id: 0 };
  const last = chosen.at(-1) ?? { timestamp: 0, id: 0 };
  return { events: chosen.map(event), nextForwardToken: forward(last), nextBackwardToken: backward(first) };
}

function afterKey(text: string): { timestamp: number; id: number } {
  const token = decodeToken(text);
  if (token.kind !== 'after') throw invalidParameter('The specified nextToken is not valid.');
  return token;
}

type Found = LogEvent & { readonly stream: string };

/**
 * FilterLogEvents, interleaved across the streams in time order. Paging
 * goes by (timestamp, event id). When a page reaches the end of what is
 * there and the time range is open, its nextToken is a live one: the
 * follow-up waits up to `holdMs` for events the store takes after this
 * answer, answers them at once with another live token, or, when none
 * came, answers an empty page without a token, which ends the listing.
 * `aws logs tail --follow` asks again at once when a token comes back and
 * sleeps 5 s when none does, so a tail sees lines as they arrive rather
 * than up to 5 s later; a plain listing ends after one held call.
 */
export async function filterLogEvents(ctx: LogReadContext, request: FilterLogEventsRequest, now: number) {
  const group = groupOf(request);
  const streams = ctx.store.streams(group);
  if (!streams) throw logGroupNotFound();
  if (request.logStreamNames !== undefined && request.logStreamNamePrefix !== undefined)
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive; specify only one.');
  const matches = compileFilterPattern(request.filterPattern);
  if (!matches)
    throw invalidParameter('filterPattern: Berth supports terms, quoted phrases, ?alternatives and -exclusions only.');
  const names = streams
    .map((s) => s.stream)
    .filter((name) =>
      request.logStreamNames
        ? request.logStreamNames.includes(name)
        : name.startsWith(request.logStreamNamePrefix ?? ''),
    );
  const collect = (): { found: Found[]; maxId: number } => {
    let maxId = 0;
    const found: Found[] = [];
    for (const stream of names) {
      for (const e of ctx.store.events(group, stream) ?? []) {
        maxId = Math.max(maxId, e.id);
        if (within(request)(e) && matches(e.message)) found.push({ ...e, stream });
      }
    }
    return { found: found.sort(byTimeThenId), maxId };
  };
  const token = request.nextToken === undefined ? undefined : decodeToken(request.nextToken);
  if (token?.kind === 'offset') throw invalidParameter('The specified nextToken is not valid.');
  let { found, maxId } = collect();
  if (token?.kind === 'live') {
    const deadline = Date.now() + ctx.holdMs;
    let fresh = found.filter((e) => e.id > token.id);
    while (fresh.length === 0 && Date.now() < deadline) {
      await ctx.store.changed(group, deadline - Date.now());
      ({ found, maxId } = collect());
      fresh = found.filter((e) => e.id > token.id);
    }
    found = fresh;
  } else if (token?.kind === 'after') {
    found = found.filter((e) => after(e, token));
  }
  const chosen = page(found, request.limit ?? 10_000);
  const open = request.endTime === undefined || request.endTime > now;
  const last = chosen.at(-1);
  const nextToken =
    chosen.length < found.length && last
      ? encodeToken({ kind: 'after', timestamp: last.timestamp, id: last.id })
      : open && chosen.length > 0
        ? encodeToken({ kind: 'live', id: maxId })
        : undefined;
  return {
    events: chosen.map((e) => ({ logStreamName: e.stream, ...event(e), eventId: String(e.id) })),
    searchedLogStreams: names.map((logStreamName) => ({ logStreamName, searchedCompletely: true })),
    ...(nextToken !== undefined && { nextToken }),
  };
}

function offsetPage<T>(items: readonly T[], nextToken: string | undefined, limit: number) {
  const token = nextToken === undefined ? { kind: 'offset' as const, offset: 0 } : decodeToken(nextToken);
  if (token.kind !== 'offset') throw invalidParameter('The specified nextToken is not valid.');
  const end = token.offset + limit;
  return {
    items: items.slice(token.offset, end),
    ...(end < items.length && { nextToken: encodeToken({ kind: 'offset', offset: end }) }),
  };
}

const groupArn = (d: Deployment, group: string) =>
  `arn:${d.partition}:logs:${d.region}:${d.accountId}:log-group:${group}`;

export function describeLogGroups(ctx: LogReadContext, request: DescribeLogGroupsRequest) {
  if (request.logGroupNamePrefix !== undefined && request.logGroupNamePattern !== undefined)
    throw invalidParameter('logGroupNamePrefix and logGroupNamePattern are mutually exclusive; specify only one.');
  const pattern = request.logGroupNamePattern?.toLowerCase();
  const groups = ctx.store
    .groups()
    .filter((g) => g.group.startsWith(request.logGroupNamePrefix ?? ''))
    .filter((g) => pattern === undefined || g.group.toLowerCase().includes(pattern));
  const { items, nextToken } = offsetPage(groups, request.nextToken, request.limit ?? 50);
  return {
    logGroups: items.map((g) => ({
      logGroupName: g.group,
      creationTime: g.creationTime,
      ...(g.retentionInDays !== undefined && { retentionInDays: g.retentionInDays }),
      metricFilterCount: 0,
      arn: `${groupArn(ctx.deployment, g.group)}:*`,
      logGroupArn: groupArn(ctx.deployment, g.group),
      storedBytes: g.storedBytes,
      logGroupClass: 'STANDARD',
    })),
    ...(nextToken !== undefined && { nextToken }),
  };
}

export function describeLogStreams(ctx: LogReadContext, request: DescribeLogStreamsRequest) {
  const group = groupOf(request);
  const streams = ctx.store.streams(group);
  if (!streams) throw logGroupNotFound();
  const byTime = request.orderBy === 'LastEventTime';
  if (byTime && request.logStreamNamePrefix !== undefined)
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const chosen = streams.filter((s) => s.stream.startsWith(request.logStreamNamePrefix ?? ''));
  if (byTime) chosen.sort((a, b) => (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0));
  if (request.descending) chosen.reverse();
  const { items, nextToken } = offsetPage(chosen, request.nextToken, request.limit ?? 50);
  return {
    logStreams: items.map((s) => ({
      logStreamName: s.stream,
      creationTime: s.creationTime,
      ...(s.firstEventTimestamp !== undefined && { firstEventTimestamp: s.firstEventTimestamp }),
      ...(s.lastEventTimestamp !== undefined && { lastEventTimestamp: s.lastEventTimestamp }),
      ...(s.lastIngestionTime !== undefined && { lastIngestionTime: s.lastIngestionTime }),
      arn: `${groupArn(ctx.deployment, group)}:log-stream:${s.stream}`,
      storedBytes: s.storedBytes,
    })),
    ...(nextToken !== undefined && { nextToken }),
  };
}
