import type { CandidateInstance } from './fleet.ts';
import { RejectionTally } from './explain.ts';
import { readStrategies } from './placement-rules.ts';
import { MAX_REASON_INSTANCES, type PlacementObserver, type PlacementRequest, type Rejection } from './types.ts';

/** One instance rejected for a reason, with the words of its own rejection. */
export interface RejectedInstance {
  readonly id: string;
  readonly detail: string;
}

/**
 * Every instance's verdict on one request, recorded while placeTask judges
 * it: the rejections tallied as ECS reports them, per reason the first
 * instances with their own detail, and the score vector of every instance
 * all filters accepted.
 */
export class Verdicts implements PlacementObserver {
  readonly tally = new RejectionTally();
  readonly details = new Map<string, RejectedInstance[]>();
  readonly scores = new Map<string, number[]>();
  /** Positions of random strategies: draws, not properties of an instance. */
  private readonly drawn: readonly boolean[];

  constructor(request: PlacementRequest) {
    this.drawn = readStrategies(request.strategy).map((rule) => rule.kind === 'random');
  }

  rejected(instance: CandidateInstance, rejection: Rejection): void {
    this.tally.add(instance.id, rejection.reason, rejection.detail);
    const list = this.details.get(rejection.reason) ?? [];
    if (list.length < MAX_REASON_INSTANCES) list.push({ id: instance.id, detail: rejection.detail });
    this.details.set(rejection.reason, list);
  }

  scored(instance: CandidateInstance, scores: readonly number[]): void {
    // Random draws are recorded as 0, so instances equal on every real
    // strategy count as tied, as the seeded tie-break treats them.
    this.scores.set(
      instance.id,
      scores.map((score, i) => (this.drawn[i] === true ? 0 : score)),
    );
  }
}
