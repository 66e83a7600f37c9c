import { resourceId } from '../domain/arn.ts';
import { tasks } from '../domain/collections.ts';
import { InvalidParameterError } from '../domain/errors.ts';
import type { ExplainPlacementResponse } from '../schemas/explain-placement.ts';
import { requireActiveCluster } from './clusters.ts';
import type { ControlContext } from './context.ts';
import { explainTasks } from './explain-placement.ts';

/**
 * Where the scheduler would put one stored task now, and why: the task as it
 * is kept (its definition's and its own constraints, its strategy, its
 * capacity provider, its overrides and its seed), so a pending task is
 * explained by what it carries rather than by its definition alone.
 */
export async function explainTaskPlacement(
  ctx: ControlContext,
  request: { cluster?: string | undefined; task: string },
): Promise<ExplainPlacementResponse> {
  const cluster = (await requireActiveCluster(ctx, request.cluster)).value.clusterName;
  const id = resourceId(ctx.deployment, request.task, 'task', cluster);
  const found = await ctx.store.get(tasks, tasks.key(cluster, id));
  if (!found) throw new InvalidParameterError('The referenced task was not found.', { task: request.task });
  return explainTasks(ctx, cluster, [found.value]);
}
