import { tasksOfGroup, type Fleet } from './fleet.ts';
import { cpuFilter } from './filters/cpu.ts';
import { memoryFilter } from './filters/memory.ts';
import { portsFilter } from './filters/ports.ts';
import type { PlacementRequest } from './types.ts';

/**
 * Applies a placement to the snapshot, so the next decision of the same plan
 * sees it. Refuses to over-commit: a reservation that does not fit is a bug
 * in the caller, not an outcome.
 */
export function reserve(fleet: Fleet, instanceId: string, request: PlacementRequest): void {
  const instance = fleet.byId.get(instanceId);
  if (instance === undefined) throw new Error(`reserve: no instance ${instanceId} in the fleet`);
  for (const filter of [cpuFilter(request.demand), memoryFilter(request.demand), portsFilter(request.demand)]) {
    const result = filter(instance);
    if (!result.ok) throw new Error(`reserve: task ${request.taskId} does not fit: ${result.detail}`);
  }
  for (const observer of fleet.observers) observer.beforeReserve(instance);
  instance.remainingCpu -= request.demand.cpu;
  instance.remainingMemory -= request.demand.memory;
  for (const port of request.demand.ports) instance.usedPorts.add(port);
  for (const port of request.demand.portsUdp) instance.usedPortsUdp.add(port);
  instance.taskCount += 1;
  if (request.group !== undefined) instance.groupCounts.set(request.group, tasksOfGroup(instance, request.group) + 1);
  fleet.revision += 1;
  for (const observer of fleet.observers) observer.afterReserve(instance, request.group);
}
