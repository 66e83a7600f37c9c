import type { ControlContext } from './context.ts';

/** The longest wait between two attempts at a contended item. */
const CAP_MS = 250;
const BASE_MS = 5;

/**
 * Exponential backoff with full jitter for conditional writes that lost a
 * race: writers that collided on one item retry at spread-out times instead
 * of colliding again in lockstep. Ten attempts wait about a second at most,
 * which an API call can afford.
 */
export function conflictPause(ctx: Pick<ControlContext, 'clock'>, random: () => number = Math.random) {
  return (attempt: number): Promise<void> =>
    ctx.clock.sleep(Math.floor(random() * Math.min(CAP_MS, BASE_MS * 2 ** Math.min(attempt, 16))));
}
