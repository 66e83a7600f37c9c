import { containerInstances } from '../domain/collections.ts';
import { VersionConflictError } from '../domain/errors.ts';
import type { Versioned } from '../ports/store.ts';
import type { Assignment, ContainerInstance } from '../schemas/container-instance.ts';
import type { Task } from '../schemas/task.ts';
import type { ControlContext } from './context.ts';

/** What an instance holds for a task placed on it, but for the times its commit sets. */
export type NewAssignment = Omit<Assignment, 'assignedAt' | 'assignedGeneration'>;

export function assignmentOf(task: Task): NewAssignment {
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

/**
 * Adds assignments to an instance with one write conditional on the version
 * the plan saw: every placement (RunTask's and the scheduler's) commits this
 * way. A lost race answers the instance as it is now (undefined if it is
 * gone), for the caller to plan that instance's tasks again.
 */
export async function addAssignments(
  ctx: ControlContext,
  item: Versioned<ContainerInstance>,
  added: readonly NewAssignment[],
): Promise<{ readonly written: Versioned<ContainerInstance> } | { readonly lost: Versioned<ContainerInstance> | undefined }> {
  const generation = item.value.generation + 1;
  const assignedAt = ctx.clock.now();
  const assignments = { ...item.value.assignments };
  for (const assignment of added) assignments[assignment.taskId] = { ...assignment, assignedAt, assignedGeneration: generation };
  try {
    return { written: await ctx.store.replace(containerInstances, { ...item.value, assignments, generation }, item.version) };
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const key = { partition: containerInstances.partitionOf(item.value), sort: containerInstances.sortOf(item.value) };
    return { lost: await ctx.store.get(containerInstances, key) };
  }
}
