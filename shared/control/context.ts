import type { Clock } from '../ports/clock.ts';
import type { Store } from '../ports/store.ts';
import type { Deployment } from '../domain/arn.ts';

/** Sends "reconcile cluster C" to the scheduler. */
export interface ReconcileQueue {
  requestReconcile(clusterName: string, reason: string): Promise<void>;
}

export interface IdGenerator {
  /** A new, unique, lowercase hex id of 32 characters (ECS's task id form). */
  next(): string;
}

export interface ControlSettings {
  /** An instance whose lease is older than this is disconnected. */
  readonly heartbeatTtlMs: number;
  /** How often agents poll; returned to them at registration. */
  readonly pollIntervalSeconds: number;
  /** How long a stopped task stays describable before the table expires it. */
  readonly stoppedTaskRetentionSeconds: number;
}

export const defaultSettings: ControlSettings = {
  heartbeatTtlMs: 30_000,
  pollIntervalSeconds: 10,
  stoppedTaskRetentionSeconds: 3600,
};

/** Everything the control operations need, built once by the composition root. */
export interface ControlContext {
  readonly store: Store;
  readonly reconcile: ReconcileQueue;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly deployment: Deployment;
  readonly settings: ControlSettings;
}
