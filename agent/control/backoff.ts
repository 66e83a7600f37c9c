/**
 * Exponential backoff with full jitter: the n-th retry waits a random time
 * in [0, min(cap, base * 2^n)), so a fleet of agents that lost the control
 * plane together does not come back in lockstep.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  // Never zero: a retry storm of immediate attempts helps nobody.
  return Math.max(policy.baseMs / 2, Math.floor(random() * ceiling));
}

/**
 * The wait before the next poll after a failed one. A poll is the agent's
 * heartbeat, so its backoff is capped at the poll interval (which the
 * control plane sets at a third of the lease TTL or less): after an outage of
 * any length the agent renews its lease within one interval of the control
 * plane's return, well inside the TTL of grace the control plane gives then.
 */
export function pollRetryDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  intervalMs: number,
): number {
  return Math.min(backoffDelay(attempt, policy, random), Math.max(intervalMs, policy.baseMs));
}
