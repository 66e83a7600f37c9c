import { describe, expect, it } from 'vitest';
import { leaseExpired, nextPulse } from '#shared/control/availability.ts';

const interval = { monitorIntervalMs: 5_000 };
const TTL = 30_000;
const T = 1_000_000;
const quiet = { connected: 3, silent: 0 };

describe('the control plane pulse', () => {
  it.each([
    ['starts at the first sweep ever', undefined, T, quiet, T],
    ['keeps its start across regular sweeps', { upSince: T - 60_000, lastSweepAt: T - 5_000 }, T, quiet, T - 60_000],
    [
      'keeps its start across a late sweep within two intervals',
      { upSince: T - 60_000, lastSweepAt: T - 10_000 },
      T,
      quiet,
      T - 60_000,
    ],
    [
      'starts again after a gap of more than two intervals (an outage)',
      { upSince: T - 600_000, lastSweepAt: T - 45_000 },
      T,
      quiet,
      T,
    ],
    [
      'starts again when every connected agent is silent at once',
      { upSince: T - 60_000, lastSweepAt: T - 5_000 },
      T,
      { connected: 3, silent: 3 },
      T,
    ],
    [
      'keeps its start when only some agents are silent',
      { upSince: T - 60_000, lastSweepAt: T - 5_000 },
      T,
      { connected: 3, silent: 2 },
      T - 60_000,
    ],
    [
      'keeps its start when a lone agent is silent (no evidence either way)',
      { upSince: T - 60_000, lastSweepAt: T - 5_000 },
      T,
      { connected: 1, silent: 1 },
      T - 60_000,
    ],
  ] as const)('%s', (_name, previous, now, fleet, upSince) => {
    const pulse = nextPulse(previous, now, interval, fleet);
    expect(pulse.upSince).toBe(upSince);
    expect(pulse.lastSweepAt).toBe(now);
  });
});

describe('leaseExpired', () => {
  it.each([
    [
      'a lease older than the TTL while the control plane was up',
      T - 31_000,
      { upSince: T - 600_000, lastSweepAt: T },
      true,
    ],
    ['a lease within the TTL', T - 29_000, { upSince: T - 600_000, lastSweepAt: T }, false],
    [
      'a lease older than the TTL, but the control plane is back for less than a TTL',
      T - 90_000,
      { upSince: T - 20_000, lastSweepAt: T },
      false,
    ],
    [
      'a lease not renewed within a TTL of the control plane’s return',
      T - 90_000,
      { upSince: T - 31_000, lastSweepAt: T },
      true,
    ],
    ['a lease judged with no pulse yet', T - 31_000, undefined, true],
  ] as const)('%s', (_name, heard, pulse, expired) => {
    expect(leaseExpired(heard, pulse, T, TTL)).toBe(expired);
  });
});
