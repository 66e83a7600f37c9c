import { describe, expect, it } from 'vitest';
import { fireBetween, instantOf, parseSchedule, type Schedule } from '#shared/scheduler/scaling-schedule.ts';

const utc = (iso: string) => Date.parse(`${iso}Z`);

function schedule(expression: string): Schedule {
  const parsed = parseSchedule(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.schedule;
}

describe('parseSchedule', () => {
  it.each([
    'at(2026-12-06T10:00:00)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'cron(0 9 * * ? *)',
    'cron(0/15 8-17 ? * MON-FRI *)',
  ])('accepts %s', (expression) => expect(parseSchedule(expression).ok).toBe(true));
  it.each([
    'at(2026-12-06 10:00)',
    'rate(0 minutes)',
    'rate(5 weeks)',
    'cron(0 9 * * ?)',
    'cron(61 9 * * ? *)',
    'every day',
  ])('refuses %s', (expression) => expect(parseSchedule(expression).ok).toBe(false));
});

describe('fireBetween', () => {
  const created = utc('2026-12-01T00:00:00');
  it.each([
    [
      'at() inside the window',
      'at(2026-12-06T10:00:00)',
      '2026-12-06T09:59:00',
      '2026-12-06T10:00:05',
      'UTC',
      '2026-12-06T10:00:00',
    ],
    ['at() already past', 'at(2026-12-06T10:00:00)', '2026-12-06T10:00:00', '2026-12-06T10:01:00', 'UTC', undefined],
    [
      'at() in a time zone',
      'at(2026-12-06T11:00:00)',
      '2026-12-06T09:59:00',
      '2026-12-06T10:00:05',
      'Europe/Paris',
      '2026-12-06T10:00:00',
    ],
    [
      'rate() counted from creation',
      'rate(1 hour)',
      '2026-12-01T00:30:00',
      '2026-12-01T01:10:00',
      'UTC',
      '2026-12-01T01:00:00',
    ],
    [
      'cron() at 09:00 every day',
      'cron(0 9 * * ? *)',
      '2026-12-06T08:58:00',
      '2026-12-06T09:01:00',
      'UTC',
      '2026-12-06T09:00:00',
    ],
    [
      'cron() on weekdays only (a Sunday)',
      'cron(0 9 ? * MON-FRI *)',
      '2026-12-06T08:58:00',
      '2026-12-06T09:01:00',
      'UTC',
      undefined,
    ],
    [
      'cron() in New York',
      'cron(0 9 * * ? *)',
      '2026-12-06T13:58:00',
      '2026-12-06T14:01:00',
      'America/New_York',
      '2026-12-06T14:00:00',
    ],
  ])('%s', (_name, expression, from, to, zone, expected) => {
    const fired = fireBetween(schedule(expression), { from: utc(from), to: utc(to) }, { zone, created });
    expect(fired).toBe(expected === undefined ? undefined : utc(expected));
  });

  it('fires nothing outside its start and end times', () => {
    const window = { from: utc('2026-12-06T08:58:00'), to: utc('2026-12-06T09:01:00') };
    const action = { zone: 'UTC', created, end: utc('2026-12-06T08:00:00') };
    expect(fireBetween(schedule('cron(0 9 * * ? *)'), window, action)).toBeUndefined();
  });

  it('reads a wall-clock time in its zone', () => {
    const wall = { year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 0 };
    expect(instantOf(wall, 'Europe/Paris')).toBe(utc('2026-07-01T10:00:00'));
  });
});
