import { describe, expect, it } from 'vitest';
import { createDevLogStore } from '#functions/runtime/dev-log-store.ts';
import { filterLogEvents, getLogEvents, groupOf } from '#shared/control/log-queries.ts';
import { LogsError } from '#shared/control/logs-errors.ts';
import { compileFilterPattern } from '#shared/domain/log-filter-pattern.ts';

const deployment = { partition: 'aws', region: 'us-east-1', accountId: '000000000000' };

function context(holdMs = 0) {
  const store = createDevLogStore({ now: () => 0 });
  store.put('g', 'a', [
    { timestamp: 1, message: 'GET /a 200' },
    { timestamp: 3, message: 'GET /b 500 ERROR' },
  ]);
  store.put('g', 'b', [{ timestamp: 2, message: 'POST /c 200' }]);
  return { store, deployment, holdMs };
}

describe('filter patterns', () => {
  it.each([
    ['', 'anything', true],
    ['ERROR', 'an ERROR here', true],
    ['ERROR', 'an error here', false],
    ['GET 200', 'GET /a 200', true],
    ['"GET /a"', 'GET /a 200', true],
    ['GET -500', 'GET /b 500', false],
    ['?500 ?404', 'GET /b 500', true],
    ['?500 ?404', 'GET /b 200', false],
  ])('%j on %j: %s', (pattern, line, expected) => {
    expect(compileFilterPattern(pattern)?.(line)).toBe(expected);
  });

  it('does not claim JSON patterns', () => {
    expect(compileFilterPattern('{ $.level = "x" }')).toBeUndefined();
  });
});

describe('FilterLogEvents', () => {
  it('interleaves the streams in time order and filters by terms', async () => {
    const all = await filterLogEvents(context(), { logGroupName: 'g' }, 10);
    expect(all.events.map((e) => [e.logStreamName, e.message])).toEqual([
      ['a', 'GET /a 200'],
      ['b', 'POST /c 200'],
      ['a', 'GET /b 500 ERROR'],
    ]);
    const errors = await filterLogEvents(context(), { logGroupName: 'g', filterPattern: 'ERROR' }, 10);
    expect(errors.events.map((e) => e.message)).toEqual(['GET /b 500 ERROR']);
  });

  it('pages with nextToken, and ends a closed time range without one', async () => {
    const ctx = context();
    const first = await filterLogEvents(ctx, { logGroupName: 'g', limit: 2, endTime: 5 }, 10);
    expect(first.events).toHaveLength(2);
    const rest = await filterLogEvents(
      ctx,
      { logGroupName: 'g', limit: 2, endTime: 5, ...(first.nextToken && { nextToken: first.nextToken }) },
      10,
    );
    expect(rest.events.map((e) => e.message)).toEqual(['GET /b 500 ERROR']);
    expect(rest.nextToken).toBeUndefined();
  });

  it('follows with a live token: new events at once, none after the hold ends the listing', async () => {
    const ctx = context(50);
    const first = await filterLogEvents(ctx, { logGroupName: 'g' }, 10);
    expect(first.nextToken).toBeDefined();
    const waiting = filterLogEvents(ctx, { logGroupName: 'g', nextToken: first.nextToken ?? '' }, 10);
    ctx.store.put('g', 'b', [{ timestamp: 4, message: 'late' }]);
    const next = await waiting;
    expect(next.events.map((e) => e.message)).toEqual(['late']);
    const quiet = await filterLogEvents(ctx, { logGroupName: 'g', nextToken: next.nextToken ?? '' }, 10);
    expect(quiet).toMatchObject({ events: [] });
    expect(quiet.nextToken).toBeUndefined();
  });

  it('refuses both stream selectors, a foreign token and a missing group', async () => {
    const ctx = context();
    await expect(
      filterLogEvents(ctx, { logGroupName: 'g', logStreamNames: ['a'], logStreamNamePrefix: 'a' }, 0),
    ).rejects.toMatchObject({ code: 'InvalidParameterException' });
    await expect(filterLogEvents(ctx, { logGroupName: 'g', nextToken: 'nonsense' }, 0)).rejects.toThrow(LogsError);
    await expect(filterLogEvents(ctx, { logGroupName: 'none' }, 0)).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
  });
});

describe('GetLogEvents', () => {
  it('reads from the head, then forward until the token repeats', () => {
    const ctx = context();
    const first = getLogEvents(ctx, { logGroupName: 'g', logStreamName: 'a', startFromHead: true, limit: 1 });
    expect(first.events.map((e) => e.message)).toEqual(['GET /a 200']);
    const second = getLogEvents(ctx, { logGroupName: 'g', logStreamName: 'a', nextToken: first.nextForwardToken });
    expect(second.events.map((e) => e.message)).toEqual(['GET /b 500 ERROR']);
    const end = getLogEvents(ctx, { logGroupName: 'g', logStreamName: 'a', nextToken: second.nextForwardToken });
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(second.nextForwardToken);
  });

  it('answers the newest events by default, and not-found for a missing stream', () => {
    const ctx = context();
    expect(getLogEvents(ctx, { logGroupName: 'g', logStreamName: 'a', limit: 1 }).events[0]?.message).toBe(
      'GET /b 500 ERROR',
    );
    expect(() => getLogEvents(ctx, { logGroupName: 'g', logStreamName: 'x' })).toThrow(
      'The specified log stream does not exist.',
    );
  });

  it('names the group by its ARN too', () => {
    expect(groupOf({ logGroupIdentifier: 'arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:*' })).toBe(
      '/ecs/web',
    );
  });
});
