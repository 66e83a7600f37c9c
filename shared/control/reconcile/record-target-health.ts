import { recordServiceEvent } from '../service-event.ts';
import { tasks } from '#shared/domain/collections.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { Service } from '#shared/schemas/service.ts';
import type { Task } from '#shared/schemas/task.ts';
import { label } from '#shared/scheduler/service-events.ts';
import { judgeTargets, markTargets, targetGroupName, type TargetsChange } from '#shared/scheduler/target-health.ts';
import type { GroupView } from '#shared/scheduler/traffic-plan.ts';
import type { ControlContext } from '../context.ts';
import { updateWithRetry } from '../listing.ts';

/**
 * Keeps on each registered task what its load balancers last said of it
 * (target-health.ts), for the service plan to count and replace by, and
 * says in a service event, as ECS does, when a task turns unhealthy in a
 * target group. When any verdict changed, another pass is asked for, so the
 * service plan acts on it without waiting for the monitor's sweep.
 */
export async function recordTargetHealth(
  ctx: ControlContext,
  service: Service,
  mine: readonly Task[],
  groups: ReadonlyMap<string, GroupView>,
  instances: ReadonlyMap<string, ContainerInstance>,
): Promise<void> {
  const changes = judgeTargets(service, mine, groups, instances);
  for (const change of changes) {
    await updateWithRetry(ctx.store, tasks, tasks.key(service.clusterName, change.taskId), markTargets(change.verdict));
    const task = mine.find((t) => t.taskId === change.taskId);
    const host = task?.containerInstanceId === undefined ? undefined : instances.get(task.containerInstanceId);
    await sayUnhealthy(ctx, service, change, host?.ec2InstanceId);
  }
  if (changes.length > 0) await ctx.reconcile.requestReconcile(service.clusterName, 'target health changed');
}

async function sayUnhealthy(
  ctx: ControlContext,
  service: Service,
  change: TargetsChange,
  ec2InstanceId: string | undefined,
): Promise<void> {
  const { verdict } = change;
  if (verdict.targets !== 'unhealthy') return;
  const instance = ec2InstanceId === undefined ? '' : ` (instance ${ec2InstanceId})`;
  const message =
    `${label(service)} (task ${change.taskId})${instance} (port ${verdict.port}) is unhealthy in ` +
    `(target-group ${targetGroupName(verdict.unhealthyIn)}) due to (reason ${verdict.reason || 'unknown'}).`;
  await recordServiceEvent(ctx, service, message);
}
