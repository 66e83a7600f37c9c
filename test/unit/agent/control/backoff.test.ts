import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, pollRetryDelay } from '#agent/control/backoff.ts';

/**
 * A poll is the agent's heartbeat: however long the control plane was out,
 * the wait before the next poll never exceeds the poll interval, so the
 * agent renews its lease within one interval of the control plane's return.
 */
describe('pollRetryDelay', () => {
  const highest = () => 0.999_999;

  it.each([
    ['dev mode (2 s polls, 30 s lease)', 2_000],
    ['AWS defaults (20 s polls, 60 s lease)', 20_000],
  ])('is capped at the poll interval after a long outage: %s', (_name, intervalMs) => {
    for (const attempt of [10, 30, 1_000]) {
      expect(backoffDelay(attempt, DEFAULT_BACKOFF, highest)).toBeGreaterThan(intervalMs);
      expect(pollRetryDelay(attempt, DEFAULT_BACKOFF, highest, intervalMs)).toBeLessThanOrEqual(intervalMs);
    }
  });

  it('keeps the jittered exponential backoff below the cap', () => {
    expect(pollRetryDelay(0, DEFAULT_BACKOFF, () => 0.5, 20_000)).toBe(backoffDelay(0, DEFAULT_BACKOFF, () => 0.5));
    expect(pollRetryDelay(3, DEFAULT_BACKOFF, () => 0.5, 20_000)).toBe(2_000);
  });

  it('never retries faster than the backoff base, whatever the interval', () => {
    expect(pollRetryDelay(10, DEFAULT_BACKOFF, highest, 100)).toBe(DEFAULT_BACKOFF.baseMs);
  });
});
