import type { ContainerInstance } from '../schemas/container-instance.ts';

/**
 * An instance as placement sees it: what it is (status, attributes, fixed for
 * the length of a plan) and what is left on it (changed by each reservation).
 */
export interface CandidateInstance {
  readonly id: string;
  /** Position in `Fleet.instances`; lets indexes use flat arrays. */
  readonly ordinal: number;
  readonly status: ContainerInstance['status'];
  readonly agentConnected: boolean;
  /** Attributes set by the agent or by PutAttributes; a present name may have no value. */
  readonly attributes: ReadonlyMap<string, string | undefined>;
  readonly ec2InstanceId: string | undefined;
  readonly agentVersion: string | undefined;
  readonly registeredAt: number;
  readonly registeredCpu: number;
  readonly registeredMemory: number;
  /** GPUs the instance registered; absent means none. */
  readonly registeredGpus?: number;
  remainingCpu: number;
  remainingMemory: number;
  readonly usedPorts: Set<number>;
  readonly usedPortsUdp: Set<number>;
  /** Tasks per group among assignments that should keep running. */
  readonly groupCounts: Map<string, number>;
  /** Assignments that should keep running (ECS's runningTasksCount). */
  taskCount: number;
}

/** Told around each reservation, so that structures derived from the fleet stay current. */
export interface FleetObserver {
  beforeReserve(instance: CandidateInstance): void;
  afterReserve(instance: CandidateInstance, group: string | undefined): void;
}

export interface Fleet {
  readonly instances: CandidateInstance[];
  readonly byId: Map<string, CandidateInstance>;
  /** Raised by every reservation; memoised answers remember the revision they hold for. */
  revision: number;
  readonly observers: Set<FleetObserver>;
}

/**
 * A placement snapshot of a cluster's instances.
 *
 * An assignment holds its reservation until the agent reports the task
 * STOPPED and the assignment is removed, so assignments desired STOPPED still
 * count against cpu, memory and ports: their containers may still be running.
 * Group and task counts, which feed spread and distinctInstance, take only
 * the assignments desired RUNNING: a task on its way out should neither
 * attract nor repel its replacement.
 */
export function buildFleet(instances: readonly ContainerInstance[]): Fleet {
  const candidates = instances.map((instance, ordinal) => toCandidate(instance, ordinal));
  return {
    instances: candidates,
    byId: new Map(candidates.map((c) => [c.id, c])),
    revision: 0,
    observers: new Set(),
  };
}

function toCandidate(instance: ContainerInstance, ordinal: number): CandidateInstance {
  let cpu = 0;
  let memory = 0;
  let taskCount = 0;
  const usedPorts = new Set(instance.registered.ports);
  const usedPortsUdp = new Set(instance.registered.portsUdp);
  const groupCounts = new Map<string, number>();
  for (const a of Object.values(instance.assignments)) {
    cpu += a.cpu;
    memory += a.memory;
    for (const p of a.ports) usedPorts.add(p);
    for (const p of a.portsUdp) usedPortsUdp.add(p);
    if (a.desiredStatus !== 'RUNNING') continue;
    taskCount += 1;
    if (a.group !== undefined) groupCounts.set(a.group, (groupCounts.get(a.group) ?? 0) + 1);
  }
  return {
    id: instance.id,
    ordinal,
    status: instance.status,
    agentConnected: instance.agentConnected,
    attributes: new Map(instance.attributes.map((a) => [a.name, a.value])),
    ec2InstanceId: instance.ec2InstanceId,
    agentVersion: instance.agentVersion,
    registeredAt: instance.registeredAt,
    registeredCpu: instance.registered.cpu,
    registeredMemory: instance.registered.memory,
    ...(instance.registered.gpus ? { registeredGpus: instance.registered.gpus } : {}),
    remainingCpu: instance.registered.cpu - cpu,
    remainingMemory: instance.registered.memory - memory,
    usedPorts,
    usedPortsUdp,
    groupCounts,
    taskCount,
  };
}

/**
 * Tasks on the instance that spread and distinctInstance weigh for a group.
 * A request without a group weighs every task on the instance.
 */
export function tasksOfGroup(instance: CandidateInstance, group: string | undefined): number {
  return group === undefined ? instance.taskCount : (instance.groupCounts.get(group) ?? 0);
}
