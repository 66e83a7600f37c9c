import type { Assignment } from '../schemas/container-instance.ts';
import type { Task } from '../schemas/task.ts';

/** What an instance holds for a task placed on it, but for the times its commit sets. */
export function assignmentOf(task: Task): Omit<Assignment, 'assignedAt' | 'assignedGeneration'> {
  return {
    taskId: task.taskId,
    taskDefinitionArn: task.taskDefinitionArn,
    desiredStatus: 'RUNNING',
    cpu: task.cpu,
    memory: task.memory,
    ports: task.ports,
    portsUdp: task.portsUdp,
    ...(task.group !== undefined && { group: task.group }),
  };
}
