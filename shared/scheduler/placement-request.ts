import type { Task } from '../schemas/task.ts';
import type { PlacementRequest } from './types.ts';

/**
 * What the placement pipeline needs to know of a task: its demand, strategy,
 * constraints, group and seed. A pure mapping, shared by RunTask's direct
 * placement, the scheduler's pass and ExplainPlacement, so all three place
 * the same task the same way.
 */
export function placementRequestOf(task: Task): PlacementRequest {
  return {
    taskId: task.taskId,
    demand: {
      cpu: task.cpu,
      memory: task.memory,
      ports: task.ports,
      portsUdp: task.portsUdp,
      ...(task.gpus !== undefined && { gpus: task.gpus }),
    },
    strategy: task.placementStrategy,
    constraints: task.placementConstraints,
    ...(task.group !== undefined && { group: task.group }),
    seed: task.placementSeed,
  };
}
