import { describe, expect, it } from 'vitest';
import { fitMessage, nextBatch, PUT_LOG_EVENTS_LIMITS } from '#shared/agent/log-batch.ts';

const lines = (n: number, at = 1_000, message = (i: number) => `line-${i}`) =>
  Array.from({ length: n }, (_, i) => ({ timestamp: at + i, message: message(i) }));

describe('nextBatch', () => {
  it('takes nothing from nothing', () => {
    expect(nextBatch([])).toEqual({ events: [], count: 0 });
  });

  it('stops at 10,000 events', () => {
    const batch = nextBatch(lines(25_000));
    expect(batch.count).toBe(10_000);
    expect(batch.events.at(-1)?.message).toBe('line-9999');
  });

  it('stops before 1 MiB, counting UTF-8 bytes plus 26 per event', () => {
    // 1,000 bytes of 'é' (2 bytes each) + 26: 1,026 bytes an event, 1,022 fit in 1,048,576.
    const batch = nextBatch(lines(2_000, 1_000, () => 'é'.repeat(500)));
    expect(batch.count).toBe(Math.floor(PUT_LOG_EVENTS_LIMITS.maxBytes / 1_026));
  });

  it('stops where the batch would span more than 24 hours', () => {
    const day = PUT_LOG_EVENTS_LIMITS.maxSpanMs;
    const pending = [0, 1_000, day, day + 1, day + 2].map((timestamp) => ({ timestamp, message: 'm' }));
    expect(nextBatch(pending).count).toBe(3);
  });

  it('sorts what it takes by time, keeping the read order of equal times', () => {
    const pending = [
      { timestamp: 5, message: 'b' },
      { timestamp: 3, message: 'a' },
      { timestamp: 5, message: 'c' },
    ];
    expect(nextBatch(pending).events.map((e) => e.message)).toEqual(['a', 'b', 'c']);
  });

  it('cuts an event longer than 256 KiB to fit, and always takes at least one event', () => {
    const batch = nextBatch([{ timestamp: 1, message: 'x'.repeat(300_000) }]);
    expect(batch.count).toBe(1);
    expect(Buffer.byteLength(batch.events[0]?.message ?? '')).toBe(262_144 - 26);
  });
});

describe('fitMessage', () => {
  it('keeps a short message and cuts a long one on a character boundary', () => {
    expect(fitMessage('hello', 10)).toBe('hello');
    expect(fitMessage('ééé', 5)).toBe('éé');
  });
});
