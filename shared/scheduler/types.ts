import type { Demand } from '../domain/resources.ts';
import type { PlacementStrategy } from '../schemas/task.ts';
import type { PlacementConstraint } from '../schemas/task-definition.ts';
import type { CandidateInstance } from './fleet.ts';

/**
 * Why an instance was rejected. The ECS names where ECS has one, so a
 * `failures[].reason` can carry them unchanged; DISTINCT_INSTANCE is Berth's.
 */
export type PlacementReason =
  | 'RESOURCE:CPU'
  | 'RESOURCE:MEMORY'
  | 'RESOURCE:GPU'
  | 'RESOURCE:PORTS'
  | 'ATTRIBUTE'
  | 'DISTINCT_INSTANCE'
  | 'INACTIVE'
  | 'AGENT';

export interface PlacementRequest {
  readonly taskId: string;
  readonly demand: Demand;
  /** In the order the user gave them; empty means `random`. */
  readonly strategy: readonly PlacementStrategy[];
  /** Task-definition and request constraints, already concatenated by the caller. */
  readonly constraints: readonly PlacementConstraint[];
  /** Service or task group; spread and distinctInstance count its tasks. */
  readonly group?: string;
  /** Seeds every random choice, so the same request decides the same way. */
  readonly seed: number;
  /** StartTask's named instance: only it is judged, and no other is chosen. */
  readonly instanceId?: string;
}

export interface ReasonCount {
  readonly reason: PlacementReason;
  readonly count: number;
  /** The first instances rejected for this reason, at most MAX_REASON_INSTANCES. */
  readonly instanceIds: string[];
  /** The rejection of the first of them, in words ("needs 512 MiB, 256 MiB free"). */
  readonly example: string;
}

export const MAX_REASON_INSTANCES = 10;

export type PlacementDecision =
  | { readonly kind: 'placed'; readonly instanceId: string }
  | { readonly kind: 'unplaceable'; readonly reasons: ReasonCount[]; readonly message: string };

export type FilterResult =
  { readonly ok: true } | { readonly ok: false; readonly reason: PlacementReason; readonly detail: string };

export type Rejection = Extract<FilterResult, { ok: false }>;

/** One filter, bound to the request it judges. */
export type Filter = (instance: CandidateInstance) => FilterResult;

/**
 * Watches placeTask judge each instance, for an answer to "why here, why not
 * there" taken from the evaluation itself rather than a copy of it. Each
 * instance gets exactly one call: its first rejection, or its scores.
 */
export interface PlacementObserver {
  rejected(instance: CandidateInstance, rejection: Rejection): void;
  /** Scores in the user's strategy order; random strategies hold this evaluation's draws. */
  scored(instance: CandidateInstance, scores: readonly number[]): void;
}

/** One scorer, bound to the request it scores. Higher is better. */
export type Scorer = (instance: CandidateInstance) => number;

/** Shared so that the hot path allocates nothing for an instance that passes. */
export const PASS: FilterResult = Object.freeze({ ok: true });

export function reject(reason: PlacementReason, detail: string): FilterResult {
  return { ok: false, reason, detail };
}
