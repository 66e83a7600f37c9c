import { containerInstances, tasks } from '../domain/collections.ts';
import { AgentError } from '../domain/errors.ts';
import type { Versioned } from '../ports/store.ts';
import type { Task } from '../schemas/task.ts';
import type { ControlContext } from './context.ts';

/**
 * A task an agent asks about on behalf of its containers (secrets, task
 * protection): answered only when it is assigned to the asking instance.
 */
export async function requireAssignedTask(
  ctx: ControlContext,
  cluster: string,
  instanceId: string,
  taskId: string,
): Promise<Versioned<Task>> {
  const instance = await ctx.store.get(containerInstances, containerInstances.key(cluster, instanceId));
  if (!instance || instance.value.status === 'INACTIVE') {
    throw new AgentError(404, 'InstanceNotFound', `Container instance ${instanceId} is not registered`);
  }
  if (!instance.value.assignments[taskId]) {
    throw new AgentError(403, 'TaskNotAssigned', `Task ${taskId} is not assigned to instance ${instanceId}`);
  }
  const task = await ctx.store.get(tasks, tasks.key(cluster, taskId));
  if (!task) throw new AgentError(404, 'TaskNotFound', `Task ${taskId} does not exist`);
  return task;
}
