import type { CandidateInstance } from '../fleet.ts';
import { PASS, reject, type FilterResult } from '../types.ts';

/** The test alone, for the indexed path that needs no explanation. */
export function takesWork(instance: CandidateInstance): boolean {
  return instance.status === 'ACTIVE' && instance.agentConnected;
}

/**
 * Only an ACTIVE instance with a connected agent takes new work: a DRAINING
 * one is emptying, and a disconnected agent would never pick the task up.
 */
export function statusFilter(instance: CandidateInstance): FilterResult {
  if (instance.status !== 'ACTIVE') return reject('INACTIVE', `${instance.id} is ${instance.status}`);
  if (!instance.agentConnected) return reject('AGENT', `${instance.id} has no connected agent`);
  return PASS;
}
