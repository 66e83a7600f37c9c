/**
 * Managed scaling for one capacity provider, decided purely from what the
 * monitor read: how many instances to launch for the tasks waiting on it,
 * which idle instances to drain, and which drained ones to terminate.
 * docs/scaling.md, "Capacity providers", has the rules.
 */
export interface ProviderScaling {
  readonly enabled: boolean;
  readonly targetCapacity: number;
  readonly minimumScalingStepSize: number;
  readonly maximumScalingStepSize: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** An instance empty this long is drained. */
  readonly scaleInAfterMs: number;
}

export interface ProviderInstance {
  readonly id: string;
  readonly ec2InstanceId: string | undefined;
  readonly status: 'ACTIVE' | 'DRAINING';
  readonly tasks: number;
  readonly cpu: number;
  readonly memory: number;
  /** When it was last seen without tasks, if it has none now. */
  readonly idleSince: number | undefined;
}

export interface WaitingDemand {
  readonly tasks: number;
  /** The largest waiting task's cpu and memory, to estimate how many fit on an instance. */
  readonly cpu: number;
  readonly memory: number;
}

export interface CapacityDecision {
  readonly launch: number;
  readonly drain: string[];
  /** Drained, empty instances: terminated, then deregistered. */
  readonly terminate: string[];
}

export function decideCapacity(
  scaling: ProviderScaling,
  instances: readonly ProviderInstance[],
  waiting: WaitingDemand,
  warming: number,
  now: number,
): CapacityDecision {
  const none: CapacityDecision = { launch: 0, drain: [], terminate: [] };
  if (!scaling.enabled) return none;
  const active = instances.filter((i) => i.status === 'ACTIVE');
  // Termination protection: only a drained instance with no task is ever terminated.
  const terminate = instances.filter((i) => i.status === 'DRAINING' && i.tasks === 0).map((i) => i.id);
  const counted = active.length + warming;
  if (waiting.tasks > 0 || counted < scaling.minInstances) {
    // One decision for the whole backlog; none while launched instances warm up.
    return { ...none, terminate, launch: warming > 0 ? 0 : launchCount(scaling, active, waiting, counted) };
  }
  const drainable = Math.max(0, counted - scaling.minInstances);
  const drain = active
    .filter((i) => i.tasks === 0 && i.idleSince !== undefined && now - i.idleSince >= scaling.scaleInAfterMs)
    .slice(0, drainable)
    .map((i) => i.id);
  return { launch: 0, drain, terminate };
}

function launchCount(
  scaling: ProviderScaling,
  active: readonly ProviderInstance[],
  waiting: WaitingDemand,
  counted: number,
): number {
  const perInstance = tasksPerInstance(active, waiting);
  const needed = Math.ceil(waiting.tasks / perInstance);
  // targetCapacity below 100 keeps that share of the fleet spare.
  const wanted = Math.ceil(((active.length + needed) * 100) / scaling.targetCapacity);
  let launch = Math.max(wanted - counted, scaling.minInstances - counted, 0);
  if (launch === 0) return 0;
  launch = Math.min(Math.max(launch, scaling.minimumScalingStepSize), scaling.maximumScalingStepSize);
  return Math.max(0, Math.min(launch, scaling.maxInstances - counted));
}

/** From the provider's largest instance; with none registered yet, one task per instance. */
function tasksPerInstance(active: readonly ProviderInstance[], waiting: WaitingDemand): number {
  let best = 1;
  for (const i of active) {
    const byCpu = waiting.cpu > 0 ? Math.floor(i.cpu / waiting.cpu) : Number.POSITIVE_INFINITY;
    const byMemory = waiting.memory > 0 ? Math.floor(i.memory / waiting.memory) : Number.POSITIVE_INFINITY;
    const fits = Math.min(byCpu, byMemory);
    if (Number.isFinite(fits)) best = Math.max(best, fits);
  }
  return best;
}
