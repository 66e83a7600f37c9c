import { arns } from '../domain/arn.ts';
import { newTask } from '../domain/new-task.ts';
import { taskTags } from '../domain/tags.ts';
import type { RunTaskRequest } from '../schemas/ecs-requests.ts';
import type { TaskDefinition, PlacementConstraint } from '../schemas/task-definition.ts';
import type { PlacementStrategy, Task } from '../schemas/task.ts';
import type { ControlContext } from './context.ts';

/** What RunTask resolved from its request before building tasks (see resolveRunTask). */
export interface ResolvedRunTask {
  readonly cluster: string;
  readonly definition: TaskDefinition;
  readonly constraints: readonly PlacementConstraint[];
  readonly strategy: readonly PlacementStrategy[];
}

/**
 * Builds the tasks of one RunTask request, given their ids: RunTask for the
 * tasks it writes, and its dry run (explain-placement.ts) for the tasks it
 * only places, so both place the very same tasks.
 */
export function runTaskBuilder(
  ctx: ControlContext,
  request: RunTaskRequest,
  resolved: ResolvedRunTask,
): (taskId: string) => Task {
  const { cluster, definition } = resolved;
  return (taskId) =>
    newTask({
      taskId,
      containerIds: definition.containerDefinitions.map(() => ctx.ids.next()),
      clusterName: cluster,
      taskDefinitionArn: arns.taskDefinition(ctx.deployment, definition.family, definition.revision),
      definition,
      overrides: request.overrides ?? {},
      ...(request.startedBy !== undefined && { startedBy: request.startedBy }),
      group: request.group ?? `family:${definition.family}`,
      placementStrategy: resolved.strategy,
      placementConstraints: resolved.constraints,
      tags: taskTags({
        ...(request.propagateTags !== undefined && { propagateTags: request.propagateTags }),
        ...(definition.tags !== undefined && { definitionTags: definition.tags }),
        ...(request.tags !== undefined && { own: request.tags }),
        ...(request.enableECSManagedTags === true && { managed: { cluster } }),
      }),
      now: ctx.clock.now(),
      // Checked against the task definition by resolveRunTask.
      awsvpcConfiguration: request.networkConfiguration?.awsvpcConfiguration,
    });
}
