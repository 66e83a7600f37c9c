import { resourceId } from '../domain/arn.ts';
import { tasks } from '../domain/collections.ts';
import { InvalidParameterError } from '../domain/errors.ts';
import type { ExecuteCommandRequest } from '../schemas/execute-command.ts';
import { requireActiveCluster } from './clusters.ts';
import type { ControlContext } from './context.ts';

/** ECS's answer for a task that was not run with execute command enabled. */
export const EXEC_NOT_ENABLED =
  "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn't running. Wait and try again or run a new task with execute command enabled and try again.";

/**
 * ExecuteCommand needs ECS Exec's agent (the SSM agent) in the task, which
 * Berth's agent does not run: no task of Berth's has execute command
 * enabled, so an existing task gets ECS's refusal for exactly that case. The
 * cluster and the task are checked first, so an unknown one is named as such.
 */
export async function executeCommand(ctx: ControlContext, request: ExecuteCommandRequest): Promise<never> {
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const taskId = resourceId(ctx.deployment, request.task, 'task', cluster);
  const found = await ctx.store.get(tasks, tasks.key(cluster, taskId));
  if (!found) throw new InvalidParameterError('The referenced task was not found.', { task: request.task });
  throw new InvalidParameterError(EXEC_NOT_ENABLED, { task: request.task });
}
