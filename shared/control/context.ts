import type { Clock } from '../ports/clock.ts';
import type { Store } from '../ports/store.ts';
import type { Ec2Fleet } from '../ports/ec2-fleet.ts';
import type { Deployment } from '../domain/arn.ts';
import type { LoadBalancerTargets } from '../ports/load-balancer-targets.ts';
import type { ServiceDiscovery } from '../ports/service-discovery.ts';

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
  /**
   * How often the monitor sweeps. A gap of more than two intervals between
   * sweeps means the control plane was down, and leases get a fresh TTL.
   */
  readonly monitorIntervalMs: number;
}

export const defaultSettings: ControlSettings = {
  heartbeatTtlMs: 30_000,
  pollIntervalSeconds: 10,
  stoppedTaskRetentionSeconds: 3600,
  monitorIntervalMs: 60_000,
};

/**
 * Tells agents waiting in a poll that their instance's assignments changed.
 * Dev mode has one in process; on Lambda there is none and agents simply
 * poll at their interval.
 */
export interface InstanceChanges {
  /**
   * Starts watching an instance: `next` resolves at the next `changed` for
   * it, or after `timeoutMs`. Watch before reading, so a change that lands
   * during the read is not missed; cancel a watch no longer needed.
   */
  watch(cluster: string, instanceId: string, timeoutMs: number): { readonly next: Promise<void>; cancel(): void };
  changed(cluster: string, instanceIds: Iterable<string>): void;
}

/** Everything the control operations need, built once by the composition root. */
export interface ControlContext {
  readonly store: Store;
  readonly reconcile: ReconcileQueue;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly deployment: Deployment;
  readonly settings: ControlSettings;
  readonly changes?: InstanceChanges;
  /** EC2, where capacity providers can launch instances (the monitor's; docs/scaling.md). */
  readonly ec2?: Ec2Fleet;
  /** ELBv2, where the function that registers service tasks (the scheduler) has it. */
  readonly targets?: LoadBalancerTargets;
  /** AWS Cloud Map, where the scheduler has it (docs/networking.md, Cloud Map). */
  readonly discovery?: ServiceDiscovery;
}
